"""Files that ship beside the code: the seed bundles and the built dashboard.

An installed wheel carries them inside the package, in its `shipped/` folder (setup.py copies
them there at build time), and they are found with importlib.resources. A checkout (an editable
install) has no such folder and reads them from the repository root instead, where they are made.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def shipped_dir(package: str, name: str, in_checkout: str) -> Path:
    """The folder `name` shipped with `package`, else the checkout's `in_checkout` (which may not exist).

    Parameters
    ----------
    package : the package whose wheel carries the folder ("graph", "service").
    name : the folder's name inside the package's `shipped/` folder.
    in_checkout : its path relative to the repository root, for a checkout.

    Returns
    -------
    A real directory path: wheels are installed unpacked, so the resource is a file system path.
    """
    shipped = files(package) / "shipped" / name
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return CHECKOUT / in_checkout
