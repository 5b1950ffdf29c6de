"""The Chinese font of PDFs: an embeddable TrueType face, or a message saying what to install."""

import shutil
from pathlib import Path

import pytest

from app.domain.errors import DomainError
from app.reports.pdf import fonts


@pytest.fixture(scope="session")
def real_font() -> Path:
    """A Chinese TrueType font of this computer, found before any test hides them."""
    for path in fonts.system_candidates() + fonts._fc_list():
        if fonts.is_truetype(path):
            return path
    pytest.skip("no Chinese TrueType font installed on this computer")


@pytest.fixture
def no_fonts(monkeypatch, tmp_path):
    """A computer without any Chinese font (nothing bundled, nothing installed)."""
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "bundled_font_dir", lambda: tmp_path / "bundled")
    monkeypatch.setattr(fonts, "system_candidates", lambda: [])
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    return tmp_path


def fake_otf(path: Path) -> Path:
    """A file that starts like a CFF-outlined OpenType font ('OTTO')."""
    path.write_bytes(b"OTTO" + b"\0" * 200)
    return path


def test_found_font_is_truetype_outlined(monkeypatch):
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    path = fonts.find_cjk_font()
    assert path.suffix.lower() in (".ttf", ".ttc")
    assert fonts.is_truetype(path)
    name = fonts.register_fonts()
    assert fonts.register_fonts() == name  # registered once
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(name).face
    assert all(ord(c) in face.charToGlyph for c in "驻村干部考勤表√×")
    assert pdfmetrics.getFont(fonts.bold_name(name))


def test_nothing_found_says_what_to_install(no_fonts):
    with pytest.raises(fonts.FontMissing) as e:
        fonts.find_cjk_font()
    assert isinstance(e.value, DomainError)
    assert "找不到可嵌入 PDF 的中文 TrueType 字体" in str(e.value)
    assert "sudo apt-get install fonts-wqy-microhei" in str(e.value)
    assert "TOWNSHIP_OFFICE_FONT" in str(e.value)
    with pytest.raises(fonts.FontMissing):
        fonts.register_fonts()


def test_cff_fonts_are_never_taken(no_fonts, monkeypatch):
    otf = fake_otf(no_fonts / "NotoSansCJK-Regular.otf")
    disguised = fake_otf(no_fonts / "disguised.ttf")
    assert not fonts.is_truetype(otf) and not fonts.is_truetype(disguised)
    monkeypatch.setattr(fonts, "system_candidates", lambda: [otf, disguised])
    monkeypatch.setattr(fonts, "_fc_list", lambda: [otf, disguised])
    with pytest.raises(fonts.FontMissing):
        fonts.find_cjk_font()


def test_env_var_wins_and_is_checked(real_font, no_fonts, monkeypatch):
    real = real_font
    monkeypatch.setenv(fonts.ENV_VAR, str(real))
    assert fonts.find_cjk_font() == real
    monkeypatch.setenv(fonts.ENV_VAR, str(no_fonts / "missing.ttf"))
    with pytest.raises(fonts.FontMissing, match="missing.ttf"):
        fonts.find_cjk_font()
    monkeypatch.setenv(fonts.ENV_VAR, str(fake_otf(no_fonts / "x.otf")))
    with pytest.raises(fonts.FontMissing, match="不是 TrueType"):
        fonts.find_cjk_font()


def test_bundled_font_comes_before_the_system(real_font, no_fonts, monkeypatch):
    real = real_font
    bundled = no_fonts / "bundled"
    bundled.mkdir()
    copy = bundled / ("cjk" + real.suffix)
    shutil.copyfile(real, copy)
    monkeypatch.setattr(fonts, "system_candidates", lambda: [real])
    assert fonts.find_cjk_font() == copy


def test_fc_list_is_the_last_resort(real_font, no_fonts, monkeypatch):
    real = real_font
    monkeypatch.setattr(fonts, "_fc_list", lambda: [real])
    assert fonts.find_cjk_font() == real


def test_bundled_folder_is_next_to_the_program():
    import app

    assert (
        fonts.bundled_font_dir()
        == Path(app.__file__).resolve().parent.parent / "resources" / "fonts"
    )
