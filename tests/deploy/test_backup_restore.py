"""scripts/backup.sh and scripts/restore.sh against the machine's PostgreSQL:
the demo data (issued, signed plans with their files) and private files are
backed up, restored into a fresh database and fresh folders, and compared
table by table and file by file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _require_postgres():
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")
    require_service("pg_dump", shutil.which("pg_dump") is not None, "apt-get install postgresql-client")


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _admin(sql: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE)."""
    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres", user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432
    )
    conn.autocommit = True
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(4)}"
    _admin(f'CREATE DATABASE "{name}"')
    yield name
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _row_counts(url: str) -> dict[str, int]:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def source(settings, tmp_path):
    """The demo data with its issued files in a media folder of this test, a
    contribution-like private file tree and a signing certificate file."""
    _require_postgres()
    media, private = tmp_path / "src" / "media", tmp_path / "src" / "private"
    settings.MEDIA_ROOT = media
    settings.PRIVATE_FILES_ROOT = private
    call_command("load_demo", stdout=open(os.devnull, "w"))
    nested = private / "contributions" / "2024" / "Tham luận Sở Nội vụ"
    nested.mkdir(parents=True)
    (nested / "bài viết v1.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(200_000))
    (private / "booklets").mkdir()
    (private / "booklets" / "empty.pdf").write_bytes(b"")
    signing = tmp_path / "src" / "signing" / "organisation.p12"
    signing.parent.mkdir()
    signing.write_bytes(Path(settings.SIGNING_PKCS12).read_bytes())
    env = {
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(media),
        "PRIVATE_FILES_ROOT": str(private),
        "SIGNING_PKCS12": str(signing),
    }
    return env


def test_backup_then_restore_into_a_fresh_database_and_folders(source, fresh_database, tmp_path):
    media = Path(source["MEDIA_ROOT"])
    issued_pdfs = [path for path in media.rglob("*.pdf")]
    assert issued_pdfs, "load_demo stores the signed PDFs of the issued seeds"

    backup = _run("backup.sh", "--output", str(tmp_path / "backups"), env=source)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "files.sha256",
        "info.txt",
        "media.tar.gz",
        "private.tar.gz",
        "signing.p12",
    ]
    manifest = (folder / "files.sha256").read_text().splitlines()
    listed = {line.split("  ", 1)[1] for line in manifest}
    assert "private/contributions/2024/Tham luận Sở Nội vụ/bài viết v1.pdf" in listed
    assert {f"media/{p.relative_to(media)}" for p in issued_pdfs} <= listed

    target = {
        "DATABASE_URL": _url(fresh_database),
        "MEDIA_ROOT": str(tmp_path / "dst" / "media"),
        "PRIVATE_FILES_ROOT": str(tmp_path / "dst" / "private"),
        "SIGNING_PKCS12": str(tmp_path / "dst" / "signing" / "organisation.p12"),
    }
    restore = _run("restore.sh", str(folder), env=target)
    assert restore.returncode == 0, restore.stderr

    source_counts = _row_counts(source["DATABASE_URL"])
    assert source_counts["conferences_plan"] >= 5 and source_counts["workflow_issueddocument"] == 2
    assert _row_counts(target["DATABASE_URL"]) == source_counts
    assert _checksums(Path(target["MEDIA_ROOT"])) == _checksums(media)
    assert _checksums(Path(target["PRIVATE_FILES_ROOT"])) == _checksums(Path(source["PRIVATE_FILES_ROOT"]))
    assert Path(target["SIGNING_PKCS12"]).read_bytes() == Path(source["SIGNING_PKCS12"]).read_bytes()

    # The restored rows point at the restored files: each issued document's stored SHA-256.
    with contextlib.closing(psycopg2.connect(target["DATABASE_URL"])) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT file, sha256 FROM workflow_issueddocument")
        for name, sha in cursor.fetchall():
            assert hashlib.sha256((Path(target["MEDIA_ROOT"]) / name).read_bytes()).hexdigest() == sha

    # A second restore over the restored data is refused without --force and changes nothing.
    again = _run("restore.sh", str(folder), env=target)
    assert again.returncode == 1
    assert "the database has" in again.stderr and "is not empty" in again.stderr


def test_restore_refuses_a_changed_backup(source, fresh_database, tmp_path):
    backup = _run("backup.sh", "--output", str(tmp_path / "backups"), env=source)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    with open(folder / "media.tar.gz", "r+b") as archive:
        archive.seek(100)
        byte = archive.read(1)
        archive.seek(100)
        archive.write(bytes([byte[0] ^ 0xFF]))
    target = {
        "DATABASE_URL": _url(fresh_database),
        "MEDIA_ROOT": str(tmp_path / "dst" / "media"),
        "PRIVATE_FILES_ROOT": str(tmp_path / "dst" / "private"),
        "SIGNING_PKCS12": str(tmp_path / "dst" / "organisation.p12"),
    }
    restore = _run("restore.sh", str(folder), env=target)
    assert restore.returncode == 1
    assert "checksums" in restore.stderr and "nothing restored" in restore.stderr
    assert _row_counts(target["DATABASE_URL"]) == {}
    assert not Path(target["MEDIA_ROOT"]).exists()


def test_backup_refuses_sqlite(tmp_path):
    result = _run("backup.sh", "--output", str(tmp_path), env={"DATABASE_URL": "sqlite:///var/db.sqlite3"})
    assert result.returncode == 2
    assert "must name a PostgreSQL database" in result.stderr
    assert list(tmp_path.iterdir()) == []
