storage "sqlite" {
  path = "/var/lib/coffer/coffer.db"
}
listener "tcp" {
  address     = "127.0.0.1:8200"
  tls_disable = true
}
ui = false
max_lease_ttl = "768h"
default_lease_ttl = 1e3
api_addr = "http://127.0.0.1:8200"
numbers = [0x10, -0xFF, 1.5e-3, "\uD83D\uDE00"]
