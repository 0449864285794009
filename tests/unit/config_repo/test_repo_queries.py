"""history, diff, show and read: what `confvault history/diff/show` print, and bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from confvault.config_repo import ConfigRepo
from confvault.errors import RepoError

GitFn = Callable[..., str]
CORE = "acme/core-sw1.cfg"
EDGE = "acme/edge1.cfg"


def day(n: int) -> datetime:
    return datetime(2026, 11, n, 12, 0, tzinfo=UTC)


@pytest.fixture
def dated(archive: ConfigRepo) -> ConfigRepo:
    """Runs on Nov 1, 5 and 9; core-sw1 changes in runs 1 and 3, edge1 in runs 1 and 2."""
    archive.commit_run(
        {CORE: "hostname core\nv1\n", EDGE: "edge v1\n"}, run_id=1, committed_at=day(1)
    )
    archive.commit_run(
        {CORE: "hostname core\nv1\n", EDGE: "edge v2\n"}, run_id=2, committed_at=day(5)
    )
    archive.commit_run({CORE: "hostname core\nv3\n"}, run_id=3, committed_at=day(9))
    return archive


def test_history_lists_only_commits_that_changed_the_device(dated: ConfigRepo) -> None:
    history = dated.history(CORE)

    assert [c.run_id for c in history] == [3, 1]
    assert history[0].authored_at == day(9)
    assert history[0].authored_at.tzinfo is not None
    assert history[0].summary == "confvault run 3: 1 changed, 0 new"
    assert [c.run_id for c in dated.history(EDGE, limit=1)] == [2]
    assert dated.history("acme/never-seen.cfg") == []


def test_history_of_a_commit_made_by_a_person_has_no_run_id(dated: ConfigRepo, git: GitFn) -> None:
    (dated.path / CORE).write_text("hand edit\n")
    git(dated.path, "-c", "user.name=op", "-c", "user.email=op@x", "commit", "-qam", "by hand")

    latest = dated.history(CORE)[0]
    assert (latest.summary, latest.run_id) == ("by hand", None)


def test_diff_without_revisions_shows_the_last_change(dated: ConfigRepo) -> None:
    patch = dated.diff(CORE)
    assert "-v1\n+v3\n" in patch
    assert patch.startswith(f"diff --git a/{CORE} b/{CORE}")


def test_diff_of_a_device_changed_only_once_shows_its_creation(archive: ConfigRepo) -> None:
    archive.commit_run({CORE: "hostname core\n"}, run_id=1)
    assert "+hostname core\n" in archive.diff(CORE)
    assert "new file mode" in archive.diff(CORE)


def test_diff_with_one_revision_compares_it_with_head(dated: ConfigRepo) -> None:
    first = dated.history(CORE)[-1].commit_id
    assert "-v1\n+v3\n" in dated.diff(CORE, first)
    assert "-v1\n+v3\n" in dated.diff(CORE, first[:10], "HEAD")
    assert dated.diff(EDGE, "HEAD~1", "HEAD") == ""  # edge1 did not change in run 3


def test_show_at_revision_and_as_of_a_date(dated: ConfigRepo) -> None:
    assert dated.show(CORE) == "hostname core\nv3\n"
    assert dated.show(CORE, rev="HEAD~2") == "hostname core\nv1\n"
    assert dated.show(CORE, at=day(8)) == "hostname core\nv1\n"
    assert dated.show(CORE, at=day(9)) == "hostname core\nv3\n"  # a commit at that instant counts
    assert dated.show(EDGE, at=day(6)) == "edge v2\n"


def test_show_names_the_device_and_revision_that_do_not_exist(dated: ConfigRepo) -> None:
    with pytest.raises(RepoError, match=r"acme/ghost.cfg does not exist .* at revision HEAD"):
        dated.show("acme/ghost.cfg")
    with pytest.raises(RepoError, match=r"revision 'nosuchbranch' does not exist"):
        dated.show(CORE, rev="nosuchbranch")
    with pytest.raises(
        RepoError, match=r"core-sw1.cfg does not exist in the archive as of 2026-10"
    ):
        dated.show(CORE, at=datetime(2026, 10, 1, tzinfo=UTC))


def test_diff_of_unknown_device_or_revision_is_a_repo_error(dated: ConfigRepo) -> None:
    with pytest.raises(RepoError, match=r"acme/ghost\.cfg has no history"):
        dated.diff("acme/ghost.cfg")
    with pytest.raises(RepoError, match="revision 'deadbeef' does not exist"):
        dated.diff(CORE, "deadbeef")


@pytest.mark.parametrize(
    "rev", ["--output=/tmp/pwned", "-p", "HEAD..main", "HEAD:acme/core-sw1.cfg", "a\nb", ""]
)
def test_revisions_that_could_inject_options_are_refused(dated: ConfigRepo, rev: str) -> None:
    with pytest.raises(RepoError, match="invalid revision"):
        dated.show(CORE, rev=rev)
    with pytest.raises(RepoError, match="invalid revision"):
        dated.diff(CORE, rev)
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize("path", ["--all", "-p", "../outside.cfg", "acme/:(glob)*", "acme/*.cfg"])
def test_paths_that_could_inject_options_or_globs_are_refused(dated: ConfigRepo, path: str) -> None:
    for query in (dated.history, dated.diff, dated.show, dated.read):
        with pytest.raises(RepoError, match="invalid archive path"):
            query(path)


def test_read_returns_text_or_none(dated: ConfigRepo) -> None:
    assert dated.read(EDGE) == "edge v2\n"
    assert dated.read(EDGE, "HEAD~2") == "edge v1\n"
    assert dated.read("acme/ghost.cfg") is None
    assert dated.read(EDGE, "nosuchbranch") is None


def test_empty_archive_answers_without_errors(archive: ConfigRepo) -> None:
    assert archive.head() is None
    assert archive.blob_ids() == {}
    assert archive.history(CORE) == []
    assert archive.read(CORE) is None
    archive.write_commit_graph()  # nothing to index yet; must not fail


def test_commit_graph_with_bloom_filters_is_written(dated: ConfigRepo, git: GitFn) -> None:
    dated.write_commit_graph()
    dated.commit_run({CORE: "hostname core\nv4\n"}, run_id=4)
    dated.write_commit_graph()  # incremental

    chain = dated.path / ".git/objects/info/commit-graphs/commit-graph-chain"
    assert chain.exists()
    assert git(dated.path, "commit-graph", "verify") == ""
    assert [c.run_id for c in dated.history(CORE)] == [4, 3, 1]


def test_open_refuses_a_plain_file_where_the_archive_should_be(tmp_path: Path) -> None:
    target = tmp_path / "archive"
    target.write_text("not a repository\n")
    with pytest.raises(RepoError, match="is a file, not a folder"):
        ConfigRepo.open(target, author_name="a", author_email="a@b")


def test_maintenance_packs_loose_objects_past_the_limit(archive: ConfigRepo, git: GitFn) -> None:
    for run in range(1, 8):
        archive.commit_run({f"acme/sw{i}.cfg": f"hostname sw{i}\nrun {run}\n" for i in range(5)},
                           run_id=run)  # fmt: skip
    loose_before = int(git(archive.path, "count-objects").split()[0])

    archive.maintain(loose_limit=10_000)
    assert int(git(archive.path, "count-objects").split()[0]) == loose_before  # under the limit

    archive.maintain(loose_limit=20)

    assert loose_before > 20
    assert int(git(archive.path, "count-objects").split()[0]) == 0
    assert git(archive.path, "fsck", "--no-progress") == ""
    assert len(archive.history("acme/sw1.cfg")) == 7
    assert git(archive.path, "status", "--porcelain") == ""
