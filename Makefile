# Everything a fresh machine with Python >= 3.11 and make needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := samples/RNCP35080.xml

.PHONY: demo test lint typecheck unit bench fuzz clean

$(BIN)/rncpkit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/rncpkit
	$(BIN)/python -m pip install --quiet -e '.[test,credentials,pdf]'
	@touch $@

demo: $(BIN)/rncpkit
	@mkdir -p build
	@echo "== 1. The embedded certification: rncpkit show RNCP35080 $(SAMPLE)"
	@$(BIN)/rncpkit show RNCP35080 $(SAMPLE)
	@echo
	@echo "== 2. Check it: rncpkit validate $(SAMPLE)"
	@$(BIN)/rncpkit validate $(SAMPLE)
	@echo
	@echo "== 3. Its Europass Certificate Supplement (page and XML), its ELM 3 LOQ record, JSON"
	@$(BIN)/rncpkit convert $(SAMPLE) --to supplement-html -o build/RNCP35080-supplement.html
	@$(BIN)/rncpkit convert $(SAMPLE) --to supplement-html --lang en -o build/RNCP35080-supplement-en.html
	@$(BIN)/rncpkit convert $(SAMPLE) --to supplement-xml -o build/RNCP35080-supplement.xml
	@$(BIN)/rncpkit convert $(SAMPLE) --to europass-xml -o build/RNCP35080-loq.xml
	@$(BIN)/rncpkit convert $(SAMPLE) --to json -o build/RNCP35080.json
	@echo
	@echo "== 4. The holders' declaration to the Caisse des Dépôts (fictional holders)"
	@$(BIN)/rncpkit accrochage build samples/holders-RNCP35080.csv --certification RNCP35080 \
		--id-client 03VML243 --id-contrat MCFCER000209 -o build/accrochage-flux.xml
	@$(BIN)/rncpkit accrochage check build/accrochage-flux.xml
	@echo
	@echo "== 5. A queryable register built from the export, searched without accents"
	@$(BIN)/rncpkit register build $(SAMPLE) --as-of 2026-08-16 -o build/register.sqlite
	@$(BIN)/rncpkit register search build/register.sqlite "economie sociale" --level 7
	@echo
	@echo "Results in build/: open build/RNCP35080-supplement.html in a browser."
	@ls -1 build

lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests benchmarks

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

unit: $(VENV)/.test-deps
	$(BIN)/pytest -q

test: lint typecheck unit

bench: $(BIN)/rncpkit
	$(BIN)/python benchmarks/bench_read.py --fiches 10000

# Coverage-guided fuzzing of the XML reader; not part of `make test`. FUZZ_TIME in seconds.
FUZZ_TIME ?= 180
fuzz: $(VENV)/.test-deps
	@$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/python -m pip install --quiet atheris
	$(BIN)/python fuzz/fuzz_fc_xml.py -max_total_time=$(FUZZ_TIME) -timeout=5 -rss_limit_mb=2048 \
		-max_len=65536 -artifact_prefix=build/fuzz-crash- build/fuzz-corpus

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
