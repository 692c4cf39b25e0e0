"""The offline classroom bundle: ``make bundle`` writes ``_build/llms101-site.zip``.

One folder, ``llms101/``, with the student edition (``aluno/``: every exercise, no solution, what the room opens),
the instructor's edition (``instrutor/``: the solutions and the instructor's guide), a start page linking both
and, when ``make pdf`` has run, the two printable PDFs. Each edition is the built site as it is: its vendored
JavaScript (``vendor/``) and the Calculadora's data and tokenizer files (``calc/``) included, so nothing is fetched
from the internet. ``LEIA-ME.txt`` tells, in Portuguese, how to serve it on the room's network with nothing but
Python: ``python3 -m http.server``.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editions import BUILD, site_dir  # noqa: E402
from print_pdf import PDF_DIR  # noqa: E402

ZIP_PATH = BUILD / "llms101-site.zip"
TOP = "llms101"
# Files a built site has that a reader never needs.
SKIPPED_NAMES = {".buildinfo", ".DS_Store"}
SKIPPED_DIRS = {".doctrees", "__pycache__"}

README = """LLMs 101 — o curso interativo, para a sala de aula (sem internet)
=================================================================

Esta pasta é o site inteiro do curso: as páginas, os gráficos, as calculadoras e os
tokenizadores. Nada vem da internet; basta um computador com Python 3 na mesma rede
(Wi-Fi ou cabo) que os participantes.

Como abrir para a turma
-----------------------
1. Descompacte o arquivo: você terá a pasta llms101/.
2. Abra um terminal dentro dela e rode:

       python3 -m http.server 8000

   (no Windows: py -m http.server 8000)
3. Descubra o endereço deste computador na rede local:
   - Linux: hostname -I
   - macOS: ipconfig getifaddr en0
   - Windows: ipconfig (procure "Endereço IPv4")
4. Passe para a turma o endereço http://ENDEREÇO:8000/ (por exemplo,
   http://192.168.0.10:8000/). Cada um abre no navegador, no computador ou no celular.
   Se ninguém conseguir abrir, libere a porta 8000 no firewall deste computador.

Para parar, volte ao terminal e aperte Ctrl+C.

O que tem aqui
--------------
- aluno/      a edição do aluno: todos os exercícios, sem as soluções. É esta que a
              turma usa: http://ENDEREÇO:8000/aluno/
- instrutor/  a edição completa, com as soluções e o Guia do instrutor (planos de 3 horas
              e de 90 minutos, respostas esperadas, equívocos comuns, checklist da sala).
- pdf/        as apostilas para imprimir, quando foram geradas (make pdf).

Dicas
-----
- A Calculadora conta os tokens e calcula os preços no próprio navegador: funciona sem
  internet. Na primeira vez que alguém cola um texto, o navegador baixa os tokenizadores
  deste computador (alguns megabytes); com a turma toda ao mesmo tempo, isso leva alguns
  segundos na rede local.
- As partes que precisam de um kernel Python (marcadas nas páginas) não rodam no site:
  para elas, use o Binder, o Colab ou o Jupyter de cada um, se houver internet.
- Para medir velocidade sem chave de API, o repositório do curso tem um servidor de
  prática (python -m calculators practice-server): os números dele são simulados.
"""

INDEX = """<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LLMs 101 — o curso interativo</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5;
         color: #1b1b1b; }
  a { color: #0b57a4; }
  li { margin: 0.6rem 0; }
</style>
</head>
<body>
<main>
<h1>LLMs 101 — o curso interativo</h1>
<p>Escolha a edição:</p>
<ul>
<li><a href="aluno/index.html"><strong>Edição do aluno</strong></a>: todos os exercícios, sem as soluções.</li>
<li><a href="instrutor/index.html"><strong>Edição do instrutor</strong></a>: com as soluções e o Guia do
instrutor.</li>
{pdfs}
</ul>
<p>Tudo aqui funciona sem internet, servido por este computador.</p>
</main>
</body>
</html>
"""


def _files(folder: Path):
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and path.name not in SKIPPED_NAMES and not SKIPPED_DIRS & set(rel.parts):
            yield path, rel


def make_bundle(out: Path = ZIP_PATH) -> Path:
    """Write the bundle to ``out``; both editions must have been built (``make book``, ``make book-student``)."""
    editions = {"aluno": site_dir("aluno"), "instrutor": site_dir("instrutor")}
    for name, folder in editions.items():
        if not (folder / "index.html").is_file() or not (folder / "calc" / "data.json").is_file():
            raise SystemExit(f"bundle: the {name} edition is not built in {folder} (make book book-student)")
    pdfs = sorted(PDF_DIR.glob("llms101-*.pdf")) if PDF_DIR.is_dir() else []
    pdf_items = "".join(f'<li><a href="pdf/{p.name}">{p.name}</a> (PDF para imprimir)</li>\n' for p in pdfs)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(f"{TOP}/LEIA-ME.txt", README)
        zf.writestr(f"{TOP}/index.html", INDEX.replace("{pdfs}", pdf_items.rstrip("\n")))
        for name, folder in editions.items():
            for path, rel in _files(folder):
                zf.write(path, f"{TOP}/{name}/{rel.as_posix()}")
        for pdf in pdfs:
            zf.write(pdf, f"{TOP}/pdf/{pdf.name}")
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ZIP_PATH)
    args = parser.parse_args(argv)
    out = make_bundle(args.out)
    with zipfile.ZipFile(out) as zf:
        raw = sum(i.file_size for i in zf.infolist())
        count = len(zf.infolist())
    print(f"bundle: {out} ({out.stat().st_size / 1e6:.1f} MB; {count} files, {raw / 1e6:.1f} MB unzipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
