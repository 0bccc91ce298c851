// The system zlib, for reading git pack files in process (CofferRadar's history scan).
#include <zlib.h>
