"""Fetch the site's pinned JavaScript once, check it, and stage it for the book build.

The static site must not load anything from a CDN, so vega, vega-lite, vega-embed, the ipywidgets HTML manager
and MathJax are served from the site's own ``vendor/`` folder. ``tools/vendor.json`` pins each npm package by
version and by the sha512 integrity the registry publishes for its tarball.

    python tools/vendor_assets.py fetch            # npm pack into the cache (only what is missing), verify
    python tools/vendor_assets.py stage OUT_DIR    # copy the selected files into OUT_DIR/vendor/
    python tools/vendor_assets.py all OUT_DIR      # both

The cache lives outside the build folder (``$LLMS101_VENDOR_CACHE``, default ``~/.cache/llms101-course/npm``),
so ``make clean`` does not throw the downloads away. Nothing here runs while the book builds: the Makefile stages
the files before ``jupyter-book build`` and Sphinx copies them (``html_extra_path``) into ``_build/html/vendor``.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = Path(__file__).resolve().parent / "vendor.json"


class VendorError(RuntimeError):
    """A pinned asset could not be fetched or did not match its integrity."""


def load_lock(path: Path = LOCK) -> list[dict]:
    """The pinned packages of ``tools/vendor.json``."""
    return json.loads(path.read_text(encoding="utf-8"))["packages"]


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "llms101-course" / "npm"
    return Path(os.environ.get("LLMS101_VENDOR_CACHE", default))


def tarball_name(name: str, version: str) -> str:
    """The file name ``npm pack`` gives a package's tarball.

    Example: tarball_name("@jupyter-widgets/html-manager", "1.0.15") -> 'jupyter-widgets-html-manager-1.0.15.tgz'
    """
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def registry_url(name: str, version: str) -> str:
    """Where the npm registry keeps a package's tarball (``$npm_config_registry`` overrides the registry).

    Example: registry_url("@jupyter-widgets/html-manager", "1.0.15")
             -> 'https://registry.npmjs.org/@jupyter-widgets/html-manager/-/html-manager-1.0.15.tgz'
    """
    registry = os.environ.get("npm_config_registry", "https://registry.npmjs.org").rstrip("/")
    return f"{registry}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def download(url: str, dest: Path) -> None:
    """Fetch ``url`` into ``dest`` atomically (a partial download never stays in the cache)."""
    import urllib.error
    import urllib.request

    tmp = dest.with_suffix(".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, tmp.open("wb") as out:
            shutil.copyfileobj(resp, out)
    except (urllib.error.URLError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise VendorError(f"cannot download {url}: {exc}") from None
    tmp.replace(dest)


def integrity_of(path: Path) -> str:
    """Subresource-integrity string (``sha512-<base64>``) of a file, as the npm registry publishes it."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def fetch(packages: list[dict], cache: Path) -> dict[str, Path]:
    """Make sure every pinned tarball is in ``cache`` with the pinned integrity; return name -> tarball path."""
    cache.mkdir(parents=True, exist_ok=True)
    paths = {}
    for pkg in packages:
        tgz = cache / tarball_name(pkg["name"], pkg["version"])
        if not (tgz.exists() and integrity_of(tgz) == pkg["integrity"]):
            spec = f"{pkg['name']}@{pkg['version']}"
            tgz.unlink(missing_ok=True)
            npm = shutil.which("npm")
            if npm is not None:
                print(f"vendor: npm pack {spec}", file=sys.stderr)
                subprocess.run(
                    [npm, "pack", "--silent", "--pack-destination", str(cache), spec],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            else:  # no npm: the same tarball, straight from the registry (the integrity check below still applies)
                url = registry_url(pkg["name"], pkg["version"])
                print(f"vendor: download {url}", file=sys.stderr)
                download(url, tgz)
            if not tgz.exists():
                raise VendorError(f"npm pack {spec} did not produce {tgz}")
            got = integrity_of(tgz)
            if got != pkg["integrity"]:
                tgz.unlink()
                raise VendorError(f"{spec}: integrity {got} does not match the pinned {pkg['integrity']}")
        paths[pkg["name"]] = tgz
    return paths


def selected_members(tar: tarfile.TarFile, pkg: dict) -> list[tuple[tarfile.TarInfo, str]]:
    """(member, destination path relative to vendor/<dest>/) for the files ``include`` selects."""
    out = []
    for member in tar.getmembers():
        if not member.isfile() or not member.name.startswith("package/"):
            continue
        rel = member.name[len("package/") :]
        if not any(fnmatch.fnmatch(rel, pattern) for pattern in pkg["include"]):
            continue
        strip = pkg.get("strip", "")
        dest_rel = rel[len(strip) :] if strip and rel.startswith(strip) else rel
        if dest_rel.startswith("/") or ".." in Path(dest_rel).parts:
            raise VendorError(f"{pkg['name']}: unsafe path in tarball: {member.name}")
        out.append((member, dest_rel))
    return out


def apply_replacements(pkg: dict, dest_rel: str, content: bytes) -> bytes:
    """``content`` with the package's ``replace`` entries for ``dest_rel`` applied (each ``old`` exactly once).

    A few browser builds import Node's modules by bare name (``import * as fs from 'fs'``), which a browser
    cannot resolve without a bundler; ``tools/vendor.json`` swaps such lines for browser stand-ins, or empties
    data the page never uses. ``old`` is literal text, or a regular expression with ``"regex": true``; it must
    occur exactly once, so a new version that changed the line fails loudly instead of shipping unpatched.
    """
    for rep in pkg.get("replace", []):
        if rep["file"] != dest_rel:
            continue
        pattern = re.compile(rep["old"].encode() if rep.get("regex") else re.escape(rep["old"].encode()))
        found = len(pattern.findall(content))
        if found != 1:
            shown = rep["old"] if len(rep["old"]) < 80 else rep["old"][:77] + "..."
            raise VendorError(f"{pkg['name']}@{pkg['version']}: {dest_rel} has {found} copies of {shown!r}, not 1")
        start, end = pattern.search(content).span()
        content = content[:start] + rep["new"].encode() + content[end:]
    return content


def stage(packages: list[dict], tarballs: dict[str, Path], out_dir: Path) -> int:
    """Copy the selected files into ``out_dir/vendor/<dest>/``; return how many files were written."""
    vendor = out_dir / "vendor"
    if vendor.exists():
        shutil.rmtree(vendor)
    count = 0
    for pkg in packages:
        target = vendor / pkg["dest"]
        with tarfile.open(tarballs[pkg["name"]], "r:gz") as tar:
            members = selected_members(tar, pkg)
            if not members:
                raise VendorError(f"{pkg['name']}: the include patterns selected no file")
            missing = [p for p in pkg["include"] if not any(fnmatch.fnmatch(m.name[8:], p) for m, _ in members)]
            if missing:
                raise VendorError(f"{pkg['name']}@{pkg['version']}: no file matches {missing}")
            for member, dest_rel in members:
                dest = target / dest_rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(member)
                assert src is not None
                dest.write_bytes(apply_replacements(pkg, dest_rel, src.read()))
                count += 1
            unused = {r["file"] for r in pkg.get("replace", [])} - {rel for _, rel in members}
            if unused:
                raise VendorError(f"{pkg['name']}: replacements name files that are not staged: {sorted(unused)}")
    versions = {pkg["name"]: pkg["version"] for pkg in packages}
    (vendor / "versions.json").write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["fetch", "stage", "all"])
    parser.add_argument("out_dir", nargs="?", type=Path, help="folder that receives vendor/ (stage, all)")
    args = parser.parse_args(argv)
    if args.command in ("stage", "all") and args.out_dir is None:
        parser.error("stage and all need OUT_DIR")
    packages = load_lock()
    try:
        tarballs = fetch(packages, cache_dir())
        if args.command in ("stage", "all"):
            n = stage(packages, tarballs, args.out_dir)
            print(f"vendor: {n} files from {len(packages)} pinned packages in {args.out_dir / 'vendor'}")
    except (VendorError, subprocess.CalledProcessError) as exc:
        print(f"vendor: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
