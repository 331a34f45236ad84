

# -- the same bytes, whatever the cache holds ----------------------------------------------


def test_the_same_report_gives_the_same_bytes_from_a_cold_cache_and_a_warm_one(tmp_path):
    """Each report made by the command in a process of its own, as a person runs it: first
    with the site's chart cache empty (the charts drawn and converted), then with it full.
    The chart drawings were copied into the PDF in the order of WeasyPrint's resources,
    which follows Python's hash seed, so two runs gave two files; the seeds here are two
    that did."""
    import os
    import subprocess
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "minimal", site)
    made = []
    for seed in ("3", "4"):
        out = tmp_path / f"report-{seed}.pdf"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        run = subprocess.run([sys.executable, "-m", "improvement_site.cli.main", "report",
                              str(site), "--out", str(out)], env=env, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        made.append(out.read_bytes())
        assert any((site / ".cache" / "report").glob("*.pdf"))  # the cache is warm now
    assert made[0] == made[1]
