# 预决算透视 / BudgetLens
#
#   make run     set everything up, then start the app (sample data loads on first run)
#   make test    set everything up, then run the whole test suite
#   make bench   parse+store timing against bare pdfplumber
#
# Setup is idempotent: the venv is made once, pip runs only when a requirements
# file changed (stamps in .venv/ hold their sha256), apt-get only when a Debian
# package is missing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --no-input
APT_PACKAGES := chromium fonts-noto-cjk
# the test suite's PostgreSQL server; LibreOffice and poppler render the briefing pack's PPTX/DOCX
APT_TEST_PACKAGES := postgresql libreoffice-impress libreoffice-writer poppler-utils
PYTEST_ARGS ?= -n auto --dist loadgroup
STREAMLIT_ARGS ?=

# Browser tests and kaleido use Debian's Chromium; nothing downloads a browser.
ifneq ($(wildcard /usr/bin/chromium),)
export BROWSER_PATH ?= /usr/bin/chromium
endif
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help run test bench setup setup-dev venv deps dev-deps sysdeps test-sysdeps clean

help:
	@echo "make run    - 安装依赖并启动应用 / set up and start the app (streamlit run app.py)"
	@echo "make test   - 安装依赖并运行全部测试 / set up and run the whole test suite"
	@echo "make bench  - 解析性能对比 / parse+store timing vs bare pdfplumber"
	@echo "make clean  - 删除 .venv 与缓存 / remove .venv and caches"

run: setup
	$(PY) -m streamlit run app.py $(STREAMLIT_ARGS)

test: setup-dev
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: setup
	$(PY) bench/ingest.py

setup: venv deps sysdeps
setup-dev: setup dev-deps test-sysdeps

venv: $(PY)

$(PY):
	@test -n "$(PYTHON)" || { echo "error: python3.11 / python3 not found" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| echo "warning: $(PYTHON) is older than Python 3.11; the pins are made for 3.11" >&2
	$(PYTHON) -m venv $(VENV)

# pip install -r only when the file's content changed since the last success.
define pip_stamp
	@sum=$$(sha256sum $(1) $(2) | sha256sum | cut -c1-64); \
	stamp=$(VENV)/.stamp-$(basename $(notdir $(1))); \
	if [ "$$(cat $$stamp 2>/dev/null)" != "$$sum" ]; then \
		echo "pip install -r $(1)"; \
		$(PIP) install -q -r $(1) && echo "$$sum" > $$stamp; \
	fi
endef

# The same, with --no-deps: requirements-ocr.txt names only what requirements.txt
# already pins the dependencies of.
define pip_stamp_nodeps
	@sum=$$(sha256sum $(1) $(2) | sha256sum | cut -c1-64); \
	stamp=$(VENV)/.stamp-$(basename $(notdir $(1))); \
	if [ "$$(cat $$stamp 2>/dev/null)" != "$$sum" ]; then \
		echo "pip install --no-deps -r $(1)"; \
		$(PIP) install -q --no-deps -r $(1) && echo "$$sum" > $$stamp; \
	fi
endef

deps: venv
	$(call pip_stamp,requirements.txt)
	$(call pip_stamp_nodeps,requirements-ocr.txt,requirements.txt)

dev-deps: deps
	$(call pip_stamp,requirements-dev.txt,requirements.txt)

# Install the Debian packages of $(1) that are missing, when root or sudo allows.
define apt_install
	@missing=""; \
	for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "warning: missing system packages:$$missing (no apt-get here; install them yourself)" >&2; exit 0; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "warning: missing system packages:$$missing (need root or sudo: apt-get install$$missing)" >&2; exit 0; fi; \
	echo "apt-get install$$missing"; \
	{ $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; } \
		|| echo "warning: apt-get could not install$$missing; $(2)" >&2
endef

# Chromium (browser tests, chart export) and CJK fonts (charts, screenshots).
sysdeps:
	$(call apt_install,$(APT_PACKAGES),browser tests and chart export may not work)

# PostgreSQL for the test suite's throwaway server (tests/pgcluster.py), LibreOffice
# and poppler for the briefing-pack renders; those tests skip, saying so, without them.
test-sysdeps:
	$(call apt_install,$(APT_TEST_PACKAGES),the PostgreSQL and briefing render tests will be skipped)

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
