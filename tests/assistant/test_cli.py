import gzip
import json

import pytest

from assistant.cli import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def ok(capsys, *args):
    code, out, err = run(capsys, *args)
    assert code in (0, None), err
    return out


def test_stats_json_counts_documents_units_and_chunks(tmp_path, capsys):
    laws = [{"id": "Luật Thử", "articles": [{"id": "1", "text": "Tên\n1. Một.\n2. Hai:\na) A;\nb) B."},
                                             {"id": "2", "text": "Tên hai\nNội dung."}]}]
    path = tmp_path / "law_2025.json"
    path.write_text(json.dumps(laws, ensure_ascii=False), encoding="utf-8")
    stats = json.loads(ok(capsys, "corpus", "stats", "--source", "alqac", "--path", str(path), "--json"))
    assert stats["documents"] == 1
    assert stats["units_by_level"] == {"khoan": 2, "diem": 2, "dieu": 2}
    assert stats["chunks"] == 2
    assert stats["records_failed"] == 0


def test_stats_table_names_bad_records_with_file_and_line(tmp_path, capsys):
    path = tmp_path / "dump.jsonl.gz"
    good = {"dieu_anchor": "A1", "text": "Nội dung.", "source_note": "(Điều 1 Luật số 1/2020/QH14, có hiệu lực "
            "thi hành kể từ ngày 01/01/2021)", "dieu_title": "Tên"}
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps(good, ensure_ascii=False) + "\n{broken\n")
    out = ok(capsys, "corpus", "stats", "--source", "phapdien", "--path", str(path))
    assert "read 2 records" in out and "loaded 1" in out and "failed 1" in out
    assert "dump.jsonl.gz:2: invalid JSON" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("corpus", "stats", "--source", "nope"), "unknown source 'nope'"),
        (("corpus", "stats", "--source", "phapdien", "--path", "/no/such/file.gz"), "no such file"),
        (("corpus", "stats", "--source", "files"), "needs --path"),
        (("index",), "Missing option '--source'"),
        (("ask",), "give either a question or --queries"),
        (("serve", "--index", "/no/such/index"), "no index here"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_option_is_a_usage_error(capsys):
    code, _, err = run(capsys, "corpus", "stats", "--bogus")
    assert code == 2 and "No such option" in err and "Traceback" not in err


def test_corrupt_gzip_is_reported_not_raised(tmp_path, capsys):
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate")
    out = ok(capsys, "corpus", "stats", "--source", "procedures", "--path", str(path))
    assert "bad.jsonl.gz" in out and "corrupt" in out


def test_settings_come_from_env(monkeypatch, tmp_path):
    from assistant.settings import Settings

    monkeypatch.setenv("LEGAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LEGAL_ADMIN_API_KEYS", '["k1", "k2"]')
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert [k.get_secret_value() for k in settings.admin_api_keys] == ["k1", "k2"]
    assert "k1" not in repr(settings)
    monkeypatch.setenv("LEGAL_EMBEDDER", "  ")
    with pytest.raises(ValueError):
        Settings()


def test_eval_command_runs_the_benchmark_program(tmp_path, capfd):
    with pytest.raises(SystemExit) as exc:
        main(["eval", "retrieval", "--dataset", "alqac2022", "--index", str(tmp_path / "none")])
    assert exc.value.code == 2
    assert "index not found" in capfd.readouterr().err
