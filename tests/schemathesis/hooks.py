"""Schemathesis hooks: valid credentials for every dialect, from the environment that
scripts/schemathesis.sh sets up (a fresh tenant made with `roster tenant create --json`).

- CloudAPI: each request is signed as the triton CLI signs it, over the exact
  request-target that goes on the wire (a requests auth hook sees the prepared request).
- The `account` path parameter is the tenant's login, so that requests reach the
  handlers instead of stopping at "another account".
- SureCloud: a bearer token fetched from `POST /restful/v1/token` with the owner's email
  and a secret key issued by `roster user secret-key issue`.
"""

import base64
import email.utils
import hashlib
import os

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
    """`Signature keyId=...,headers="(request-target) date"` with the owner's Ed25519 key."""

    def __init__(self) -> None:
        with open(os.environ["ROSTER_ST_SSH_KEY"], "rb") as f:
            self.key = load_ssh_private_key(f.read(), password=None)
        with open(os.environ["ROSTER_ST_SSH_KEY"] + ".pub", encoding="ascii") as f:
            self.key_id = f"/{ACCOUNT}/keys/{_md5_fingerprint(f.read())}"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        date = email.utils.formatdate(usegmt=True)
        message = f"(request-target): {r.method.lower()} {r.path_url}\ndate: {date}"
        signature = base64.b64encode(self.key.sign(message.encode())).decode()
        r.headers["date"] = date
        r.headers["authorization"] = (
            f'Signature keyId="{self.key_id}",algorithm="ed25519-sha512",'
            f'headers="(request-target) date",signature="{signature}"'
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


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    params = dict(path_parameters or {})
    if "account" in params:
        params["account"] = ACCOUNT
    choices = {k: st.sampled_from([v, KNOWN[k]]) for k, v in params.items() if k in KNOWN}
    if not choices:
        return st.just(params)
    return st.fixed_dictionaries(choices).map(lambda known: {**params, **known})


def seed(base: str) -> None:
    """Creates the resources KNOWN names, through CloudAPI itself."""
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
