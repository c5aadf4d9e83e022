"""scripts/backup.sh and scripts/restore.sh: a backup restored elsewhere is the same portal.

A private PostgreSQL cluster (tests/private_services.py) holds a source database, migrated and
filled through the portal's own code (``seed_demo``, then a company with a submitted application
whose document lives in private media, and a Wagtail image in public media). backup.sh backs
it up; restore.sh restores it into a second, empty database with empty media directories (a
different ``ZP_CACHE_DIR``, hence different MEDIA_ROOT and PRIVATE_MEDIA_ROOT). Every table has
the same number of rows, every media file the same bytes, the portal reads the restored
document, and the search index is rebuilt from the restored database. A backup with one
altered byte is refused before anything is written, and so is a database that is not empty
(unless ``--force``, which replaces its contents).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.private_services import PG_BIN, ROOT, PrivatePostgres, free_port, migrate, portal_env

PDF = b"%PDF-1.4\n% backup test document\n%%EOF\n"

SEED = f"""
import io
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images.models import Image
from applications.models import ApplicationDocument
from tests.factories import make_application, pdf_upload
from applications import services

before = ApplicationDocument.objects.count()  # the demo's applications have documents too
application = make_application(complete=True)
user = application.enterprise.memberships.order_by("pk").first().user
services.add_document(
    application, by=user, requirement_id="doc-rd", upload=pdf_upload("rd.pdf", body={PDF!r})
)
services.submit(application, by=user)
picture = io.BytesIO()
PillowImage.new("RGB", (64, 48), (200, 30, 30)).save(picture, "PNG")
Image.objects.create(title="园区全景", file=ImageFile(picture, name="park.png"))
assert ApplicationDocument.objects.count() == before + 2
"""

READ_DOCUMENT = """
from applications.models import ApplicationDocument
document = ApplicationDocument.objects.get(requirement_id="doc-rd")
with document.file.open("rb") as handle:
    print(handle.read().hex())
"""


def run(command, env, *, check=True, timeout=600):
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{command} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def manage(env, *args, timeout=600):
    return run([sys.executable, "manage.py", *args], env, timeout=timeout)


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """(cluster, work directory, source env, source url): a filled source portal."""
    work = tmp_path_factory.mktemp("backup-restore")
    with PrivatePostgres() as pg:
        pg.create_database("zp_source")
        url = pg.url("zp_source")
        migrate(url, work / "migrate.log")
        env = portal_env(
            url,
            ZP_CACHE_DIR=str(work / "source"),
            PG_BIN=str(PG_BIN),
            PYTHON=sys.executable,
            DEMO_PASSWORD="backup-test-password",
            # Nothing is indexed while filling the source (the index is rebuilt after the
            # restore): publishing logs the unreachable node and carries on.
            ELASTICSEARCH_URL=f"http://127.0.0.1:{free_port()}",
        )
        manage(env, "seed_demo")
        manage(env, "shell", "--no-imports", "-c", SEED)
        yield pg, work, env, url


@pytest.fixture(scope="module")
def backup(installation):
    _, work, env, _ = installation
    started = time.monotonic()
    result = run(["scripts/backup.sh", str(work / "backup")], env)
    print(f"\nbackup.sh: {time.monotonic() - started:.1f} s")
    assert result.stdout.strip() == str(work / "backup")
    return work / "backup"


def target_env(pg, work, name, **extra):
    pg.create_database(name)
    env = portal_env(
        pg.url(name),
        ZP_CACHE_DIR=str(work / name),
        PG_BIN=str(PG_BIN),
        PYTHON=sys.executable,
        **extra,
    )
    return env, pg.url(name)


def test_the_restored_portal_has_every_row_and_file(installation, backup):
    pg, work, _, source_url = installation
    prefix = f"test-backup-{uuid.uuid4().hex[:8]}"
    env, url = target_env(pg, work, "zp_restored", ZP_TEST_INDEX_PREFIX=prefix)

    started = time.monotonic()
    result = run(["scripts/restore.sh", str(backup)], env)
    print(f"restore.sh: {time.monotonic() - started:.1f} s")
    assert "search_index rebuild" in result.stderr

    source_counts, restored_counts = table_counts(source_url), table_counts(url)
    assert restored_counts == source_counts
    for table in (
        "wagtailcore_page",
        "policies_policypage",
        "enterprises_enterprise",
        "applications_application",
        "applications_applicationdocument",
        "wagtailimages_image",
        "django_migrations",
    ):
        assert restored_counts[table] > 0, table

    for directory in ("test-media", "test-private-media"):
        source_files = files(work / "source" / directory)
        assert source_files, directory
        assert files(work / "zp_restored" / directory) == source_files
    assert PDF in files(work / "zp_restored" / "test-private-media").values()

    # The portal itself finds the restored document where the restored row says it is.
    read = manage(env, "shell", "--no-imports", "-c", READ_DOCUMENT)
    assert bytes.fromhex(read.stdout.strip().splitlines()[-1]) == PDF

    # The search indices are not in the backup: they are rebuilt from the restored database.
    try:
        manage(env, "search_index", "rebuild")
        status = manage(env, "search_index", "status", "--check")
        assert str(source_counts["policies_policypage"]) in status.stdout
    finally:
        manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from search.indexing import delete_all; delete_all()",
        )

    # Restoring again over the restored portal is refused without --force, and nothing changes.
    again = run(["scripts/restore.sh", str(backup)], env, check=False)
    assert again.returncode != 0
    assert "is not empty" in again.stderr
    assert table_counts(url) == source_counts
    # With --force the restored portal is replaced by the backup again, row for row.
    run(["scripts/restore.sh", "--force", str(backup)], env)
    assert table_counts(url) == source_counts


def test_an_altered_backup_is_refused_before_anything_is_written(installation, backup):
    pg, work, _, _ = installation
    tampered = work / "tampered"
    shutil.copytree(backup, tampered)
    archive = tampered / "private-media.tar"
    data = bytearray(archive.read_bytes())
    position = data.index(PDF)  # the applicant's document, inside the archive
    data[position + 5] ^= 0x01
    archive.write_bytes(bytes(data))
    env, url = target_env(pg, work, "zp_tampered")

    result = run(["scripts/restore.sh", str(tampered)], env, check=False)

    assert result.returncode != 0
    assert "private-media.tar: FAILED" in result.stderr
    assert "nothing was restored" in result.stderr
    assert table_counts(url) == {}
    assert not (work / "zp_tampered").exists()


def test_a_failed_backup_says_so_and_leaves_nothing(installation, tmp_path):
    pg, _, env, _ = installation
    broken = dict(env, DATABASE_URL=pg.url("zp_does_not_exist"))

    result = run(["scripts/backup.sh", str(tmp_path / "backup")], broken, check=False)

    assert result.returncode != 0
    assert "pg_dump failed" in result.stderr
    assert "Backup FAILED" in result.stderr
    assert list(tmp_path.iterdir()) == []
