"""Files (uploads, exports, mail) live in a folder of the database's under the instance folder."""

from __future__ import annotations

from pathlib import Path

from app.config import database_key, instance_paths, normalise_database_url


def _paths(instance: Path, url: str, **explicit: str) -> dict[str, str]:
    config = {"INSTANCE_DIR": str(instance), "SQLALCHEMY_DATABASE_URI": url, **explicit}
    instance_paths(config)
    return {key: config[key] for key in ("UPLOAD_DIR", "EXPORT_DIR", "MAIL_DIR")}


def test_two_databases_in_one_instance_folder_never_share_files(tmp_path: Path) -> None:
    urls = [
        f"sqlite:///{tmp_path / 'a' / 'platsdialog.db'}",
        f"sqlite:///{tmp_path / 'b' / 'platsdialog.db'}",  # same file name, other database
        normalise_database_url("postgresql://u@db.example.org:5432/platsdialog"),
        normalise_database_url("postgresql://u@db.example.org:5432/other"),
    ]
    all_paths = [_paths(tmp_path / "instance", url) for url in urls]
    folders = [Path(p) for paths in all_paths for p in paths.values()]
    assert len(set(folders)) == len(folders)
    for folder in folders:
        assert folder.is_relative_to(tmp_path / "instance")
    assert Path(all_paths[0]["UPLOAD_DIR"]).name == "uploads"
    assert Path(all_paths[0]["EXPORT_DIR"]).name == "exports"


def test_the_same_database_gets_the_same_folders(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'platsdialog.db'}"
    assert _paths(tmp_path, url) == _paths(tmp_path, url)
    assert database_key(url).startswith("sqlite-platsdialog-")


def test_an_explicit_folder_wins(tmp_path: Path) -> None:
    paths = _paths(tmp_path, "sqlite://", UPLOAD_DIR="/srv/shared/uploads")
    assert paths["UPLOAD_DIR"] == "/srv/shared/uploads"
    assert Path(paths["EXPORT_DIR"]).parent.name == "sqlite-memory"
