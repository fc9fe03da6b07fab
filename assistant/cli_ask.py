"""``ask``: one question with a readable or JSON answer, or a batch file for evaluators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .settings import get_settings

console = Console(soft_wrap=True)


def ask_cmd(
    question: Annotated[str | None, typer.Argument(help="the question")] = None,
    index: Annotated[Path | None, typer.Option("--index", "-i", help="index directory")] = None,
    persona: Annotated[str, typer.Option(help="citizen | official")] = "citizen",
    as_json: Annotated[bool, typer.Option("--json", help="print the Answer as JSON")] = False,
    queries: Annotated[Path | None, typer.Option(help="batch mode: JSONL of {id, question}")] = None,
    out: Annotated[Path | None, typer.Option(help="batch mode: where to write {id, answer} lines")] = None,
) -> None:
    """Answer a question from the index, citing the units it relies on."""
    from legal_corpus.report import LoadReport
    from retrieval.batch import iter_questions
    from retrieval.index import open_index

    from .pipeline import Assistant

    if persona not in ("citizen", "official"):
        raise ValueError(f"--persona must be citizen or official, got {persona!r}")
    if (queries is None) == (question is None):
        raise ValueError("give either a question or --queries IN.jsonl --out OUT.jsonl")
    if question is not None and not question.strip():
        raise ValueError("the question is empty")
    if queries is not None and (out is None or not queries.is_file()):
        raise ValueError("--queries needs an existing file and --out OUT.jsonl")
    settings = get_settings()
    assistant = Assistant(open_index(index or settings.index_dir, threads=settings.threads))
    assistant.index.warm()
    if queries is not None:
        report = LoadReport("queries")
        done = 0
        with out.open("w", encoding="utf-8") as f:
            for qid, text in iter_questions(queries, report):
                answer = assistant.ask(text, persona)  # type: ignore[arg-type]
                f.write(json.dumps({"id": qid, "answer": answer.to_dict()}, ensure_ascii=False) + "\n")
                done += 1
        console.print(f"{done:,} answers → {out}; skipped {len(report.issues):,}")
        return
    answer = assistant.ask(question, persona)  # type: ignore[arg-type]
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    console.print(answer.text, markup=False, highlight=False)
    if answer.card:
        c = answer.card
        console.print(f"\n[bold]{c.name}[/] ({c.code}) — {c.office} {c.level}".rstrip(), highlight=False)
        for label, items in (("Giấy tờ", c.papers), ("Các bước", c.steps), ("Cách nộp", c.channels)):
            if items:
                console.print(f"{label}:", highlight=False)
                for i, item in enumerate(items, 1):
                    console.print(f"  {i}. {item}", markup=False, highlight=False)
        if c.url:
            console.print(c.url, markup=False, highlight=False)
    if answer.citations:
        console.print("\nNguồn:", highlight=False)
        for cite in answer.citations:
            console.print(f"  - {cite.label} {cite.source_url}".rstrip(), markup=False, highlight=False)
