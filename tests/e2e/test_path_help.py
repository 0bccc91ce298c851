"""`bao path-help` (GET <path>?help=1): what a route is for and the fields it
takes, from the mount's path table. Runs against Coffer and OpenBao alike: the
layout is OpenBao's; the wording of the descriptions is each server's own."""

import re

from conftest import random_name


def field_names(help_text: str) -> list[str]:
    """The parameter names listed under ## PARAMETERS, in order."""
    section = help_text.split("## PARAMETERS", 1)[1].split("## DESCRIPTION", 1)[0]
    return re.findall(r"^    (\w+) \(.*\)$", section, re.M)


def test_path_help_for_a_kv2_secret_names_route_and_fields(run_bao):
    out = run_bao(["path-help", "secret/data/ci/db"])
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Request:        data/ci/db"
    assert lines[1] == "Matching Route: ^data/(?P<path>.*)$"
    assert lines[3].strip(), "a synopsis follows the route"
    names = field_names(out.stdout)
    assert names == sorted(names)
    assert {"data", "options", "path", "version"} <= set(names), names
    assert re.search(r"^    data \(map\)$", out.stdout, re.M)
    assert re.search(r"^    version \(int\)$", out.stdout, re.M)
    assert "## DESCRIPTION" in out.stdout


def test_path_help_for_a_jwt_role_lists_bounds_and_token_settings(dev_server, run_bao):
    mount = random_name("jwt")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    out = run_bao(["path-help", f"auth/{mount}/role/deploy"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Request:        role/deploy\nMatching Route: ^role/(?P<name>")
    names = field_names(out.stdout)
    for name in ("bound_audiences", "bound_claims", "bound_subject", "user_claim", "token_policies", "token_ttl", "name"):
        assert name in names, name
    assert re.search(r"^    bound_claims \(map\)$", out.stdout, re.M)
    assert re.search(r"^    bound_audiences \(slice\)$", out.stdout, re.M)
    assert re.search(r"^    token_ttl \(duration \(sec\)\)$", out.stdout, re.M)


def test_help_answer_shape_and_who_may_ask(dev_server):
    r = dev_server.http("GET", "secret/data/x", params={"help": "1"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"help", "openapi", "see_also"}
    assert body["openapi"]["openapi"].startswith("3.")
    # No token: refused, as any other request; a login path answers anyone.
    assert dev_server.http("GET", "secret/data/x", token=None, params={"help": "1"}).status_code == 403
    # (Not AppRole's: OpenBao runs its user-lockout lookahead first and answers 500.)
    mount = random_name("jwt")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    login = dev_server.http("GET", f"auth/{mount}/login", token=None, params={"help": "1"})
    assert login.status_code == 200, login.text
    assert login.json()["help"].startswith("Request:        login\nMatching Route: ^login$")
    # Help is not gated by the path's policy: a token of any policy may ask.
    dev_server.http("PUT", "sys/policies/acl/nothing", body={"policy": 'path "x" { capabilities = ["read"] }'})
    token = dev_server.http("POST", "auth/token/create", body={"policies": ["nothing"]}).json()["auth"]["client_token"]
    assert dev_server.http("GET", "secret/data/x", token=token, params={"help": "1"}).status_code == 200
    # Any method asks for help; an empty value does not.
    assert dev_server.http("POST", "secret/data/x", params={"help": "1"}, body="not json").status_code == 200
    assert dev_server.http("GET", "secret/data/help-absent", params={"help": ""}).status_code == 404


def test_help_on_a_path_no_route_matches_lists_the_routes(dev_server):
    r = dev_server.http("GET", "secret/no-such-route", params={"help": "1"})
    assert r.status_code == 200, r.text
    text = r.json()["help"]
    assert text.startswith("Request:        no-such-route\nMatching Route: ^.*$")
    assert "## PATHS" in text
    assert re.search(r"^    \^config\$$", text, re.M)
    assert re.search(r"^    \^data/", text, re.M)
    assert dev_server.http("GET", "nomount/x", params={"help": "1"}).status_code == 404
