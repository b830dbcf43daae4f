"""layout.cache: parsed fonts and head words kept between runs change nothing in the PDF, are
passed over when damaged or out of reach, and are not read for changed inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from layout import cache
from layout.fonts import load_font

from conftest import ROOT, write_edition

# Heads long enough to take two lines, in the body and in the TOC: the segmenter is needed.
EDITION = """\
edition:
  title: 测试简报
  issue_label: 1月刊
  date: 2022-01
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
  - title: 国家部委关于碳达峰碳中和标准体系建设和重点行业节能降碳改造升级实施指南的最新进展
    articles:
      - title: 关于推动能源电子产业发展和加快建立健全绿色低碳循环发展经济体系的指导意见全文发布
        body: |
          碳达峰碳中和工作简报的一篇短文，只为测试缓存。
"""

PROBE = ("import sys; from layout.cli import main; code = main(['build', sys.argv[1], '-o', sys.argv[2]]); "
         "print('segmenter loaded' if 'rjieba' in sys.modules else 'segmenter not loaded'); sys.exit(code)")


def run_build(edition: Path, pdf: Path, cache_home: Path | None) -> str:
    """Build in a fresh process (the per-process memos start empty); what the probe printed."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home or "")}
    if cache_home is None:
        env["BRIEFING_NO_CACHE"] = "1"
    done = subprocess.run([sys.executable, "-c", PROBE, str(edition), str(pdf)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    return write_edition(tmp_path_factory.mktemp("cache-edition"), EDITION)


def test_a_warm_cache_gives_the_same_bytes_and_skips_the_segmenter(edition, tmp_path):
    home = tmp_path / "cache"
    assert run_build(edition, tmp_path / "cold.pdf", home) == "segmenter loaded"
    assert sorted(p.name for p in (home / "briefing").iterdir()) == ["fonts", "words"]
    assert run_build(edition, tmp_path / "warm.pdf", home) == "segmenter not loaded"
    assert run_build(edition, tmp_path / "none.pdf", None) == "segmenter loaded"
    cold, warm, none = ((tmp_path / f"{name}.pdf").read_bytes() for name in ("cold", "warm", "none"))
    assert cold == warm == none


def test_damaged_entries_and_an_unusable_folder_are_passed_over(edition, tmp_path):
    home = tmp_path / "cache"
    run_build(edition, tmp_path / "first.pdf", home)
    entries = list((home / "briefing").rglob("*.pickle"))
    assert entries
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    assert run_build(edition, tmp_path / "damaged.pdf", home) == "segmenter loaded"
    blocked = tmp_path / "a file"
    blocked.write_text("the cache folder cannot be made under a file")
    run_build(edition, tmp_path / "blocked.pdf", blocked)
    first = (tmp_path / "first.pdf").read_bytes()
    assert (tmp_path / "damaged.pdf").read_bytes() == first == (tmp_path / "blocked.pdf").read_bytes()


def test_a_font_file_changed_in_place_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    font = tmp_path / "NotoSerif-Regular.ttf"
    font.write_bytes((ROOT / "fonts" / "NotoSerif-Regular.ttf").read_bytes())
    parsed = load_font("Parsed", font)
    again = load_font("Again", font)  # from the cache
    assert again.face.charWidths == parsed.face.charWidths and again.fontName == "Again"
    assert again.face.getCharWidth(ord("A")) == parsed.face.getCharWidth(ord("A"))
    assert again.stringWidth("Abc", 10) == parsed.stringWidth("Abc", 10)
    folder = tmp_path / "cache" / "briefing" / "fonts"
    assert len(list(folder.iterdir())) == 1
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    load_font("Touched", font)
    assert len(list(folder.iterdir())) == 2


def test_the_cache_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.entry("words", "x") is not None
    monkeypatch.setenv("BRIEFING_NO_CACHE", "1")
    assert cache.entry("words", "x") is None and cache.load(None) is None
    cache.store(None, "nothing")
    assert not any(tmp_path.iterdir())
