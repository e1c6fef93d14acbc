"""Schemathesis hooks: valid credentials for every dialect, from the environment that
scripts/schemathesis.sh sets up (a fresh tenant made with `roster tenant create --json`).

- CloudAPI: each request is signed as the triton CLI signs it, over the exact
  request-target that goes on the wire (a requests auth hook sees the prepared request).
- The `account` path parameter is the tenant's login, so that requests reach the
  handlers instead of stopping at "another account".
- Cloud Elements: `Authorization: User <admin secret>, Organization <organization secret>`
  of the tenant's owner, an organization administrator.
- Forms On Fire: `CompanyId` and `IntegrationKey` in the query for GET and DELETE, in the
  body (JSON or XML alike: the serializer writes the members) for POST and PUT.
- Path, query and body members that name a resource are drawn half from resources `seed`
  created, so that generated requests also reach existing ones.
- SureCloud: a bearer token fetched from `POST /restful/v1/token` with the owner's email
  and a secret key issued by `roster user secret-key issue`.
- SCIM: a provisioning token issued by `roster scim-token issue`.
"""

import base64
import email.utils
import hashlib
import json
import os
import uuid

import requests
import schemathesis
from cryptography.hazmat.primitives.serialization import load_ssh_private_key
from hypothesis import strategies as st

ACCOUNT = os.environ["ROSTER_ST_ACCOUNT"]


def _md5_fingerprint(public_line: str) -> str:
    blob = base64.b64decode(public_line.split()[1])
    digest = hashlib.md5(blob).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


class CloudApiSignature(requests.auth.AuthBase):
    """`Signature keyId=...,headers="(request-target) date x-request-id"` with the owner's
    Ed25519 key."""

    def __init__(self) -> None:
        with open(os.environ["ROSTER_ST_SSH_KEY"], "rb") as f:
            self.key = load_ssh_private_key(f.read(), password=None)
        with open(os.environ["ROSTER_ST_SSH_KEY"] + ".pub", encoding="ascii") as f:
            self.key_id = f"/{ACCOUNT}/keys/{_md5_fingerprint(f.read())}"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        # A write's signature is accepted once; schemathesis sends many writes to one path in
        # a second, so each request signs a request id of its own.
        date = email.utils.formatdate(usegmt=True)
        request_id = str(uuid.uuid4())
        message = (
            f"(request-target): {r.method.lower()} {r.path_url}\n"
            f"date: {date}\nx-request-id: {request_id}"
        )
        signature = base64.b64encode(self.key.sign(message.encode())).decode()
        r.headers["date"] = date
        r.headers["x-request-id"] = request_id
        r.headers["authorization"] = (
            f'Signature keyId="{self.key_id}",algorithm="ed25519-sha512",'
            f'headers="(request-target) date x-request-id",signature="{signature}"'
        )
        return r


schemathesis.auth.set_from_requests(CloudApiSignature()).apply_to(tag="CloudAPI")


@schemathesis.auth().apply_to(tag="SureCloud")
class SureCloudBearer:
    """A JWT from the dialect's own token endpoint, renewed before it expires."""

    def get(self, case, ctx):
        r = requests.post(
            f"{os.environ['ROSTER_ST_BASE_URL']}/restful/v1/token",
            json={
                "email": os.environ["ROSTER_ST_SURECLOUD_EMAIL"],
                "secretKey": os.environ["ROSTER_ST_SURECLOUD_KEY"],
            },
            timeout=30,
        )
        r.raise_for_status()
        return r.json()["token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


# Resources `seed` creates, so that generated requests also reach existing ones.
KNOWN = {"user": "alice", "key": "laptop", "role": "ops", "policy": "readers"}


@schemathesis.hook.apply_to(tag="CloudAPI")
def flatmap_path_parameters(context, path_parameters):
    params = dict(path_parameters or {})
    if "account" in params:
        params["account"] = ACCOUNT
    choices = {k: st.sampled_from([v, KNOWN[k]]) for k, v in params.items() if k in KNOWN}
    if not choices:
        return st.just(params)
    return st.fixed_dictionaries(choices).map(lambda known: {**params, **known})


def seed(base: str) -> None:
    """Creates the resources KNOWN names, through CloudAPI itself, then users through each
    of Cloud Elements, Forms On Fire and SCIM."""
    auth = CloudApiSignature()
    with open(os.environ["ROSTER_ST_SSH_KEY"] + ".pub", encoding="ascii") as f:
        laptop = f.read().strip()
    calls = [
        ("/users", {"login": "alice", "email": "alice@acme.test", "password": "s3cret-Passw0rd"}),
        ("/users/alice/keys", {"name": "laptop", "key": laptop}),
        ("/keys", {"name": "laptop", "key": laptop}),
        ("/policies", {"name": "readers", "rules": ["CAN listusers, getuser"]}),
        ("/roles", {"name": "ops", "members": ["alice"], "default_members": ["alice"], "policies": ["readers"]}),
    ]
    for path, body in calls:
        r = requests.post(f"{base}/{ACCOUNT}{path}", json=body, auth=auth, timeout=30)
        if r.status_code not in (201, 409):
            raise SystemExit(f"seeding {path} failed: {r.status_code} {r.text}")
    seed_elements(base)
    seed_formsonfire(base)
    seed_scim(base)


def _tenant() -> dict:
    with open(os.environ["ROSTER_ST_TENANT_JSON"], encoding="utf-8") as f:
        return json.load(f)


def _known_path() -> str:
    return os.path.join(os.path.dirname(os.environ["ROSTER_ST_TENANT_JSON"]), "known.json")


def _known() -> dict:
    """What `seed` created that only the server could name (ids), read when first needed."""
    if not hasattr(_known, "cache"):
        with open(_known_path(), encoding="utf-8") as f:
            _known.cache = json.load(f)
    return _known.cache


def _remember(**items) -> None:
    path = _known_path()
    known = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            known = json.load(f)
    known.update(items)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(known, f)


def _half_known(generated: dict, known: dict) -> st.SearchStrategy:
    """`generated`, with each member that `known` also has drawn from the generated value,
    or one of the known ones."""
    choices = {k: st.sampled_from([v, *known[k]]) for k, v in generated.items() if k in known}
    if not choices:
        return st.just(generated)
    return st.fixed_dictionaries(choices).map(lambda drawn: {**generated, **drawn})


# Cloud Elements ------------------------------------------------------------------------


class ElementsSecrets(requests.auth.AuthBase):
    """`Authorization: User <secret>, Organization <secret>` of the tenant's owner."""

    def __init__(self) -> None:
        t = _tenant()
        self.value = f"User {t['admin']['secret']}, Organization {t['organization_secret']}"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["authorization"] = self.value
        return r


schemathesis.auth.set_from_requests(ElementsSecrets()).apply_to(tag="Cloud Elements")


@schemathesis.hook("flatmap_path_parameters").apply_to(tag="Cloud Elements")
def elements_path_parameters(context, path_parameters):
    users = _known()["elements"]
    return _half_known(
        dict(path_parameters or {}),
        {
            "user": [str(u["id"]) for u in users] + [u["email"] for u in users],
            "key": ["org-admin", "admin", "org"],
        },
    )


def seed_elements(base: str) -> None:
    """Users that Cloud Elements names by their integer ids (several: tests delete some)."""
    url = f"{base}/elements/api-v2/users"
    known = []
    for name in ["bob", "dave", "erin"]:
        body = {"email": f"{name}@acme.test", "firstName": name.title(), "lastName": "Known"}
        r = requests.post(url, json=body, auth=ElementsSecrets(), timeout=30)
        if r.status_code == 409:
            r = requests.get(f"{url}/{body['email']}", auth=ElementsSecrets(), timeout=30)
        if r.status_code != 200:
            raise SystemExit(f"seeding Cloud Elements failed: {r.status_code} {r.text}")
        known.append({"id": r.json()["id"], "email": body["email"]})
    _remember(elements=known)


# Forms On Fire -------------------------------------------------------------------------


def _formsonfire_credentials() -> dict:
    t = _tenant()
    return {"CompanyId": int(t["company_id"]), "IntegrationKey": t["integration_key"]}


@schemathesis.auth(refresh_interval=None).apply_to(tag="Forms On Fire")
class FormsOnFireCredentials:
    """The tenant's CompanyId and IntegrationKey where the vendor's clients send them."""

    def get(self, case, context):
        return _formsonfire_credentials()

    def set(self, case, data, context):
        query = dict(case.query or {})
        for name in data:
            query.pop(name, None)
        if case.method.upper() in ("POST", "PUT") and isinstance(case.body, dict):
            body = case.body
            if "xml" in (case.media_type or ""):
                # The XML serializer writes None as the text "null"; DataContract's null is
                # `i:nil="true"`, which it cannot write, so a null member is left out.
                body = {k: v for k, v in body.items() if v is not None}
            case.body = {**body, **data}
        else:
            query.update({k: str(v) for k, v in data.items()})
        case.query = query


@schemathesis.hook("flatmap_query").apply_to(tag="Forms On Fire")
def formsonfire_query(context, query):
    users = _known()["formsonfire"]
    return _half_known(
        dict(query or {}),
        {"Id": [u["id"] for u in users], "Email": [u["email"] for u in users]},
    )


@schemathesis.hook("flatmap_body").apply_to(tag="Forms On Fire")
def formsonfire_body(context, body):
    # Only the Id: a known email in a write would only collide with its owner.
    if not isinstance(body, dict):
        return st.just(body)
    return _half_known(body, {"Id": [u["id"] for u in _known()["formsonfire"]]})


def seed_formsonfire(base: str) -> None:
    """Users that Forms On Fire names by their GUIDs (several: tests delete some)."""
    url = f"{base}/api/v2/user"
    creds = _formsonfire_credentials()
    known = []
    for name in ["carol", "frank", "grace"]:
        email_ = f"{name}@acme.test"
        body = {**creds, "FirstName": name.title(), "LastName": "Known", "Email": email_}
        r = requests.post(url, json=body, timeout=30)
        if r.status_code != 200:
            r = requests.get(url, params={**creds, "Email": email_}, timeout=30)
        if r.status_code != 200:
            raise SystemExit(f"seeding Forms On Fire failed: {r.status_code} {r.text}")
        known.append({"id": r.json()["User"]["Id"], "email": email_})
    _remember(formsonfire=known)


# SCIM ------------------------------------------------------------------------------------


@schemathesis.auth().apply_to(tag="SCIM")
class ScimBearer:
    """The tenant's provisioning token, made by `roster scim-token issue`."""

    def get(self, case, ctx):
        return os.environ["ROSTER_ST_SCIM_TOKEN"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook("flatmap_path_parameters").apply_to(tag="SCIM")
def scim_path_parameters(context, path_parameters):
    known = _known()["scim"]
    return _half_known(dict(path_parameters or {}), {"id": known})


def seed_scim(base: str) -> None:
    """Users and a group that SCIM names by their ids."""
    headers = {
        "authorization": f"Bearer {os.environ['ROSTER_ST_SCIM_TOKEN']}",
        "content-type": "application/scim+json",
    }
    ids = []
    for name in ["sam", "tess"]:
        body = {"userName": f"{name}.scim@acme.test", "name": {"givenName": name.title()}}
        r = requests.post(f"{base}/scim/v2/Users", json=body, headers=headers, timeout=30)
        if r.status_code != 201:
            raise SystemExit(f"seeding SCIM failed: {r.status_code} {r.text}")
        ids.append(r.json()["id"])
    body = {"displayName": "Known", "members": [{"value": ids[0]}]}
    r = requests.post(f"{base}/scim/v2/Groups", json=body, headers=headers, timeout=30)
    if r.status_code != 201:
        raise SystemExit(f"seeding SCIM failed: {r.status_code} {r.text}")
    ids.append(r.json()["id"])
    ids.extend(["User", "Group", "urn:ietf:params:scim:schemas:core:2.0:User"])
    _remember(scim=ids)
