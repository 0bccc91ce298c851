"""Entities and entity aliases written by hand, and entity merges (issue 16):
`identity/entity`, `entity/name/<name>`, `entity-alias`, `entity-alias/id/<id>`,
`entity/merge` and the LIST forms, in OpenBao's shapes and errors, through
HTTP, `bao` and hvac's `secrets.identity.*`. Runs unchanged against OpenBao
(E2E_SERVER=bao), the reference for every answer."""

from __future__ import annotations

import json

import pytest

from conftest import random_name


@pytest.fixture(scope="module")
def accessors(dev_server):
    """Two auth mounts to hang aliases on."""
    found = []
    for _ in range(2):
        mount = random_name("approle")
        assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
        found.append((mount, dev_server.http("GET", "sys/auth").json()["data"][f"{mount}/"]["accessor"]))
    return found


def errors(r, status=400):
    assert r.status_code == status, r.text
    return r.json()["errors"]


def test_entity_create_update_read_list_delete(dev_server):
    name = random_name("svc")
    created = dev_server.http("POST", "identity/entity", body={"name": name, "policies": ["b", "a"], "metadata": {"team": "ci"}})
    assert created.status_code == 200, created.text
    assert created.json()["data"]["name"] == name and created.json()["data"]["aliases"] is None
    entity_id = created.json()["data"]["id"]
    # The same name again updates it.
    assert dev_server.http("POST", "identity/entity", body={"name": name, "policies": ["c"]}).status_code == 204
    read = dev_server.http("GET", f"identity/entity/name/{name}").json()["data"]
    assert read["id"] == entity_id and read["policies"] == ["c"] and read["metadata"] == {"team": "ci"}
    assert errors(dev_server.http("POST", "identity/entity", body={"id": "nope", "name": "x"})) == ["entity not found from id"]
    other = random_name("svc")
    assert dev_server.http("POST", f"identity/entity/name/{other}", body={"policies": ["z"]}).status_code == 200
    assert errors(dev_server.http("POST", f"identity/entity/id/{entity_id}", body={"name": other})) == ["entity name is already in use"]

    by_id = dev_server.bao("list", "-format=json", "identity/entity/id")
    assert by_id.returncode == 0 and entity_id in json.loads(by_id.stdout), by_id.stderr
    listed = dev_server.http("LIST", "identity/entity/id").json()["data"]
    assert listed["key_info"][entity_id]["name"] == name
    by_name = dev_server.bao("list", "-format=json", "identity/entity/name")
    assert by_name.returncode == 0 and {name, other} <= set(json.loads(by_name.stdout)), by_name.stderr

    assert dev_server.http("DELETE", f"identity/entity/name/{other}").status_code == 204
    assert dev_server.http("GET", f"identity/entity/name/{other}").status_code == 404
    assert dev_server.http("DELETE", f"identity/entity/id/{entity_id}").status_code == 204
    assert dev_server.http("GET", f"identity/entity/id/{entity_id}").status_code == 404


def test_entity_alias_api(dev_server, accessors):
    (mount, accessor), (_, accessor2) = accessors
    entity_id = dev_server.http("POST", "identity/entity", body={"name": random_name("svc")}).json()["data"]["id"]
    name = random_name("runner")
    r = dev_server.http("POST", "identity/entity-alias", body={"name": name, "mount_accessor": accessor, "canonical_id": entity_id})
    assert r.status_code == 200 and r.json()["data"]["canonical_id"] == entity_id, r.text
    alias_id = r.json()["data"]["id"]
    # The same alias again is a no-op.
    again = dev_server.http("POST", "identity/entity-alias", body={"name": name, "mount_accessor": accessor, "canonical_id": entity_id})
    assert again.status_code == 204, again.text
    read = dev_server.http("GET", f"identity/entity-alias/id/{alias_id}").json()["data"]
    assert (read["canonical_id"], read["name"], read["mount_accessor"], read["mount_type"], read["mount_path"]) == (
        entity_id, name, accessor, "approle", f"auth/{mount}/")
    listed = dev_server.http("LIST", "identity/entity-alias/id").json()["data"]
    assert listed["key_info"][alias_id]["canonical_id"] == entity_id and listed["key_info"][alias_id]["name"] == name
    looked_up = dev_server.http("POST", "identity/lookup/entity", body={"alias_name": name, "alias_mount_accessor": accessor})
    assert looked_up.json()["data"]["id"] == entity_id

    def create(body):
        return dev_server.http("POST", "identity/entity-alias", body=body)

    assert errors(create({"mount_accessor": accessor, "canonical_id": entity_id})) == [
        "'id' or 'mount_accessor' and 'name' must be provided"]
    assert errors(create({"name": "x", "canonical_id": entity_id})) == ["'id' or 'mount_accessor' and 'name' must be provided"]
    assert errors(create({"name": "x", "mount_accessor": "auth_approle_00000000", "canonical_id": entity_id})) == [
        'invalid mount accessor "auth_approle_00000000"']
    assert errors(create({"name": "x", "mount_accessor": accessor, "canonical_id": "nope"})) == ["invalid canonical ID"]
    assert errors(create({"name": random_name("second"), "mount_accessor": accessor, "canonical_id": entity_id})) == [
        "Alias already exists for requested entity and mount accessor"]
    assert errors(dev_server.http("POST", "identity/entity-alias/id/nope", body={"name": "z"})) == ["invalid alias ID provided"]

    # One alias per mount and entity: moving another entity's alias here is refused.
    stranger = create({"name": random_name("stranger"), "mount_accessor": accessor})
    assert stranger.status_code == 200, stranger.text
    assert stranger.json()["data"]["canonical_id"] != entity_id
    assert errors(dev_server.http("POST", f"identity/entity-alias/id/{stranger.json()['data']['id']}",
                                  body={"canonical_id": entity_id})) == [
        "Alias cannot be updated as the given entity already has an alias for this mount "]

    # Renamed by id, with custom metadata; a second mount's alias joins the same entity.
    renamed = random_name("runner")
    r = dev_server.http("POST", f"identity/entity-alias/id/{alias_id}", body={"name": renamed, "custom_metadata": {"k": "v"}})
    assert r.status_code == 200 and r.json()["data"] == {"canonical_id": entity_id, "id": alias_id}, r.text
    assert dev_server.http("GET", f"identity/entity-alias/id/{alias_id}").json()["data"]["custom_metadata"] == {"k": "v"}
    assert errors(dev_server.http("POST", f"identity/entity-alias/id/{stranger.json()['data']['id']}", body={"name": renamed})) == [
        "alias with combination of mount accessor and name already exists"]
    assert create({"name": renamed, "mount_accessor": accessor2, "canonical_id": entity_id}).status_code == 200
    aliases = dev_server.http("GET", f"identity/entity/id/{entity_id}").json()["data"]["aliases"]
    assert sorted(a["mount_accessor"] for a in aliases) == sorted([accessor, accessor2])

    assert dev_server.http("DELETE", f"identity/entity-alias/id/{alias_id}").status_code == 204
    assert dev_server.http("GET", f"identity/entity-alias/id/{alias_id}").status_code == 404
    assert dev_server.http("DELETE", "identity/entity-alias/id/nope").status_code == 204


def test_entity_merge(dev_server, accessors):
    (_, accessor), (_, accessor2) = accessors

    def entity_with_alias(acc, **body):
        entity_id = dev_server.http("POST", "identity/entity", body={"name": random_name("m"), **body}).json()["data"]["id"]
        alias_name = random_name("a")
        r = dev_server.http("POST", "identity/entity-alias", body={"name": alias_name, "mount_accessor": acc,
                                                                   "canonical_id": entity_id})
        assert r.status_code == 200, r.text
        names[r.json()["data"]["id"]] = (alias_name, acc)
        return entity_id, r.json()["data"]["id"]

    def owner(alias_id):
        name, acc = names[alias_id]
        r = dev_server.http("POST", "identity/lookup/entity", body={"alias_name": name, "alias_mount_accessor": acc})
        return r.json()["data"]["id"] if r.status_code == 200 else None

    names = {}

    to_id, to_alias = entity_with_alias(accessor, policies=["kept"])
    from_id, from_alias = entity_with_alias(accessor2, policies=["dropped"])
    clash_id, clash_alias = entity_with_alias(accessor)
    group = dev_server.http("POST", "identity/group", body={"name": random_name("g"), "member_entity_ids": [from_id]})
    group_id = group.json()["data"]["id"]

    def merge(body):
        return dev_server.http("POST", "identity/entity/merge", body=body)

    assert errors(merge({})) == ["missing entity id to merge to"]
    assert errors(merge({"to_entity_id": to_id})) == ["missing entity ids to merge from"]
    assert errors(merge({"from_entity_ids": ["nope"], "to_entity_id": to_id})) == ["entity id to merge from is invalid"]
    assert errors(merge({"from_entity_ids": [from_id], "to_entity_id": "nope"})) == ["entity id to merge to is invalid"]
    assert errors(merge({"from_entity_ids": [to_id], "to_entity_id": to_id})) == ["to_entity_id should not be present in from_entity_ids"]

    assert merge({"from_entity_ids": [from_id], "to_entity_id": to_id}).status_code == 204
    merged = dev_server.http("GET", f"identity/entity/id/{to_id}").json()["data"]
    assert merged["merged_entity_ids"] == [from_id] and merged["policies"] == ["kept"]
    moved = {a["id"]: a for a in merged["aliases"]}
    assert set(moved) == {to_alias, from_alias} and moved[from_alias]["merged_from_canonical_ids"] == [from_id]
    assert dev_server.http("GET", f"identity/entity/id/{from_id}").status_code == 404
    assert owner(from_alias) == to_id and owner(to_alias) == to_id
    assert dev_server.http("GET", f"identity/group/id/{group_id}").json()["data"]["member_entity_ids"] == [to_id]

    # Two aliases of one mount: refused, both named, whatever `force` says...
    for force in (False, True):
        refused = merge({"from_entity_ids": [clash_id], "to_entity_id": to_id, "force": force})
        assert refused.status_code == 400, refused.text
        assert {side["entity_id"] for side in refused.json()["data"]} == {to_id, clash_id}
        assert "same mount accessor" in refused.json()["errors"][0]
    assert errors(merge({"from_entity_ids": [clash_id], "to_entity_id": to_id, "conflicting_alias_ids_to_keep": ["x"]}))[0].startswith(
        "conflicting mount accessors in following alias IDs and neither were present in conflicting_alias_ids_to_keep")
    # ...until the alias to keep is named: the other one goes.
    assert merge({"from_entity_ids": [clash_id], "to_entity_id": to_id, "conflicting_alias_ids_to_keep": [clash_alias]}).status_code == 204
    kept = {a["id"] for a in dev_server.http("GET", f"identity/entity/id/{to_id}").json()["data"]["aliases"]}
    assert {from_alias, clash_alias} <= kept
    # The alias not kept is gone. (OpenBao 2.x still lists it in the entity's
    # `aliases` after this, though reading it answers 404; Coffer drops it from both.)
    assert dev_server.http("GET", f"identity/entity-alias/id/{to_alias}").status_code == 404
    assert owner(clash_alias) == to_id and owner(from_alias) == to_id


def test_hvac_identity_calls(dev_server, accessors):
    (_, accessor), (_, accessor2) = accessors
    identity = dev_server.hvac().secrets.identity
    name = random_name("hvac")
    entity_id = identity.create_or_update_entity(name=name, policies=["default"], metadata={"team": "ci"})["data"]["id"]
    assert identity.read_entity(entity_id)["data"]["name"] == name
    assert identity.read_entity_by_name(name)["data"]["id"] == entity_id
    assert entity_id in identity.list_entities()["data"]["keys"]
    assert name in identity.list_entities_by_name()["data"]["keys"]
    alias = identity.create_or_update_entity_alias(name=random_name("hvac-alias"), canonical_id=entity_id, mount_accessor=accessor)
    alias_id = alias["data"]["id"]
    assert identity.read_entity_alias(alias_id)["data"]["canonical_id"] == entity_id
    assert alias_id in identity.list_entity_aliases()["data"]["keys"]
    assert identity.lookup_entity(alias_id=alias_id)["data"]["id"] == entity_id
    other = identity.create_or_update_entity(name=random_name("hvac"))["data"]["id"]
    identity.create_or_update_entity_alias(name=random_name("hvac-alias"), canonical_id=other, mount_accessor=accessor2)
    identity.merge_entities(from_entity_ids=[other], to_entity_id=entity_id)
    assert identity.read_entity(entity_id)["data"]["merged_entity_ids"] == [other]
    identity.update_entity_alias(alias_id, name=random_name("renamed"), canonical_id=entity_id, mount_accessor=accessor)
    identity.delete_entity_alias(alias_id)
    identity.delete_entity_by_name(name)
    assert dev_server.http("GET", f"identity/entity/id/{entity_id}").status_code == 404
