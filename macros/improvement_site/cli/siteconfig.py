"""A site folder's MkDocs configuration, with the command line's options set on the plugin.

The base configuration ships inside the package (`improvement_site/base/mkdocs.yml`), so a
site in any folder builds from an installed wheel:

- a site with no mkdocs.yml is built with the base, its content/ as the docs folder;
- a site whose mkdocs.yml has no `INHERIT` gets it applied over the base, as INHERIT would
  (mappings merged, anything else replaced), with relative paths still the site's own;
- a site whose mkdocs.yml says `INHERIT: <path>` (the bundled examples do) is used as written.

The command line's options (the data folder, the audience, the release being published, the
chart cache) reach the plugin as its options in that configuration: MkDocs' `load_config`
(and `serve`, which passes them on to it at every rebuild) takes overrides as arguments, and
`plugins` is one of them. No environment variable carries them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from improvement_site.data.sitefiles import refusal

# improvement_site/base/mkdocs.yml, package data beside the code.
BASE_CONFIG = Path(__file__).resolve().parents[1] / "base" / "mkdocs.yml"
PLUGIN = "improvement-site"


class SiteConfigError(Exception):
    """The site's own mkdocs.yml cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class SiteConfig:
    """Everything MkDocs' `load_config(**arguments)` needs for one site."""

    arguments: dict[str, Any]
    docs_dir: Path  # the site's hand-written pages

    def plugin_options(self, name: str) -> dict:
        """The options the configuration gives the plugin `name` ({} if it has none)."""
        plugins = self.arguments["plugins"]
        if isinstance(plugins, dict):
            return dict(plugins.get(name) or {})
        for entry in plugins:
            if isinstance(entry, dict) and name in entry:
                return dict(entry[name] or {})
        return {}

    def load(self, **more):
        """The validated MkDocs configuration, whose plugins are its own.

        MkDocs keeps one instance of each plugin that has an `on_startup` or `on_shutdown`
        event (Material's search) for the whole process, so that `serve` can keep it between
        rebuilds. Two builds side by side would then share one search index; a build gets
        fresh instances instead. The lock covers MkDocs' plugin loading, which keeps its
        working state on that shared option too.
        """
        from mkdocs.config import load_config
        from mkdocs.config.defaults import MkDocsConfig

        with _LOAD_LOCK:
            MkDocsConfig.plugins.plugin_cache = {}
            return load_config(**{**self.arguments, **more})  # `more` wins (site_dir)


_LOAD_LOCK = threading.Lock()


def site_config(site: Path, docs_dir: Path | None = None, **plugin_options) -> SiteConfig:
    """The configuration of the site folder `site`; `plugin_options` (None ones left out) are
    set on the improvement-site plugin, over what the configuration says."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    import yaml

    site = Path(site).resolve()
    own = site / "mkdocs.yml"
    # A linked mkdocs.yml would be read from wherever it points (and quoted in an error).
    said = refusal(own, site)
    if said:
        raise SiteConfigError(f"{own}: {said}")
    arguments: dict[str, Any] = {}
    try:
        if not own.is_file():
            raw = _read(BASE_CONFIG, yaml_load)
            arguments.update(config_file=str(BASE_CONFIG),
                             docs_dir=str(docs_dir or site / "content"))
        else:
            with open(own, "rb") as fd:
                top = yaml.load(fd, Loader=get_yaml_loader()) or {}
            if not isinstance(top, dict):
                raise SiteConfigError(f"{own}: should be a mapping of MkDocs settings")
            if "INHERIT" in top:  # as written: MkDocs follows the path itself
                raw = _read(own, yaml_load)
                arguments.update(config_file=str(own))
            else:  # the site's settings over the base's, paths relative to the site
                raw = merge(_read(BASE_CONFIG, yaml_load), top)
                arguments.update(config_file=str(BASE_CONFIG), config_file_path=str(own),
                                 **{key: raw[key] for key in top})
            if docs_dir:
                arguments["docs_dir"] = str(docs_dir)
    except ConfigurationError as exc:
        raise SiteConfigError(_inherit_hint(own, exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise SiteConfigError(f"{own}{where}: cannot be read as YAML "
                              f"({getattr(exc, 'problem', None) or 'not YAML'})") from None
    if not isinstance(raw, dict):  # INHERIT named a file that is not settings; never quoted
        raise SiteConfigError(f"{own}: the file its INHERIT line names is not a mapping of "
                              f"MkDocs settings; delete the INHERIT line (improvement-site "
                              f"applies its base configuration itself)")
    arguments["plugins"] = with_plugin_options(raw.get("plugins"), own, plugin_options)
    docs = Path(arguments.get("docs_dir") or raw.get("docs_dir") or "docs")
    return SiteConfig(arguments, docs if docs.is_absolute() else site / docs)


def _read(path: Path, yaml_load) -> dict:
    with open(path, "rb") as fd:
        return yaml_load(fd)


def _inherit_hint(own: Path, exc: Exception) -> str:
    said = " ".join(str(exc).split())
    if "Inherited config file" in said:
        return (f"{own}: {said} Delete the INHERIT line: improvement-site applies its base "
                f"configuration to a site's mkdocs.yml itself.")
    return f"{own}: {said}"


def merge(base: Any, over: Any) -> Any:
    """`over` applied to `base` as MkDocs' INHERIT does: mappings merged key by key,
    anything else (a list, a value) replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    return over


def with_plugin_options(plugins: Any, own: Path, options: dict) -> dict | list:
    """The configuration's plugins with `options` set on ours: a mapping (MkDocs takes the
    list form apart as it reads it, and `serve` passes the same value at every rebuild), or
    the list form when a plugin is named twice (two instances)."""
    entries = []
    if isinstance(plugins, dict):
        entries = [(name, value) for name, value in plugins.items()]
    elif isinstance(plugins, (list, tuple)):
        for item in plugins:
            if isinstance(item, dict) and len(item) == 1:
                entries.append(next(iter(item.items())))
            else:
                entries.append((item, None))
    if not any(name == PLUGIN for name, _ in entries):
        raise SiteConfigError(f"{own}: its plugins do not include {PLUGIN}; add it (or leave "
                              f"plugins out to use the base configuration's)")
    chosen = {key: value for key, value in options.items() if value is not None}
    out = []
    for name, value in entries:
        if name == PLUGIN:
            value = {**(value or {}), **chosen}
        out.append((name, value))
    names = [name for name, _ in out]
    if len(set(names)) == len(names):
        return {name: value for name, value in out}
    return [{name: value} if value is not None else name for name, value in out]
