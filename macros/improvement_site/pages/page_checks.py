"""The macro calls in a site's own pages, checked before anything is built.

A hand-written page (content/**/*.md) is a Jinja template to mkdocs-macros. A call the build
would trip on — a macro that does not exist, wrong arguments, an id that is not in the data —
is reported here as a problem with the page's file and line, the same way a data file's
mistakes are, so `validate` finds it and a build never gets as far as a traceback. So is a
public page that brings in a committee-only file with `{% include %}` (or import, extends):
the file's text would be in the public page and its search entry.

Pages are parsed with Jinja's own parser, set up as mkdocs-macros sets up its environment
(its `j2_*` start and end strings). Only constant arguments are checked: a call whose argument
is a loop variable or an expression is left to the build.
"""

from __future__ import annotations

import difflib
import inspect
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.loaders import split_template_path

from improvement_site.data.checks import FILES
from improvement_site.data.problems import Problem, did_you_mean
from improvement_site.data.sitefiles import refusal, refused_in
from improvement_site.model.sitedata import SiteData
from improvement_site.pages import front_matter
from improvement_site.pages.content_files import stray_problems
from improvement_site.pages.macros import MACROS

# Functions every page can call besides ours: Jinja's globals and mkdocs-macros' own.
BUILT_IN = {"range", "dict", "lipsum", "cycler", "joiner", "namespace",
            "context", "macros_info", "now", "fix_url"}
# The files MkDocs builds as pages (mkdocs.utils.markdown_extensions; case matters).
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
# A parameter's name says which kind of record its id names.
ID_KINDS = {"area_id": "area", "measure_id": "measure", "measure_ids": "measure",
            "visit_id": "visit"}
MODULE = "improvement_site"
# The tags that bring another file's text into a page, as Jinja reads it from mkdocs-macros'
# include_dir (content/ unless the site's mkdocs.yml sets one), front matter and all.
PULLS_IN = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from",
            nodes.Extends: "extends"}


def check_pages(data: SiteData, docs_dir: Path, site_dir: Path,
                macros: dict | None = None) -> list[Problem]:
    """Problems in the macro calls of every page under `docs_dir`. `macros` are the
    mkdocs-macros plugin's options in the site's configuration (its `j2_*` strings,
    `render_by_default`, other macro modules)."""
    refused, pages = _readable_pages(Path(docs_dir), Path(site_dir))
    checker = _Checker(data, Path(docs_dir), Path(site_dir), macros or {})
    return refused + [problem for path in pages for problem in checker.page(path)]


def check_front_matter(docs_dir: Path, site_dir: Path) -> list[Problem]:
    """Problems in the pages' front matter alone. It needs no data, so they are listed with
    the data's own problems when the data cannot be loaded: one run says everything."""
    refused, pages = _readable_pages(Path(docs_dir), Path(site_dir))
    return refused + [problem for path in pages
                      for problem in _read(path, _rel(path, Path(site_dir)))[2]]


def _readable_pages(docs_dir: Path, site_dir: Path) -> tuple[list[Problem], list[Path]]:
    """The links and special files under `docs_dir`, refused before any page is read (MkDocs
    would follow them and publish what they point at), and the files that are not pages but
    would publish one (content_files.py); and the pages that may be read: a refused page is
    never read, so never quoted."""
    if not docs_dir.is_dir():
        return [], []
    refused = refused_in(docs_dir, site_dir)
    if refused and refused[0].file == _rel(docs_dir, site_dir):
        return refused, []  # the folder itself is a link
    files = [path for path in _content_files(docs_dir) if refusal(path, docs_dir) is None]
    pages = [path for path in files if path.name.endswith(PAGE_SUFFIXES)]
    strays = stray_problems(files, set(pages), lambda path: _rel(path, site_dir))
    return refused + strays, pages


def _content_files(docs_dir: Path) -> list[Path]:
    """The files MkDocs builds or copies from `docs_dir`: all but hidden ones."""
    return [path for path in sorted(docs_dir.rglob("*")) if path.is_file()
            # MkDocs leaves hidden files out of the site
            and not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)]


def _rel(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path, name: str) -> tuple[str, front_matter.FrontMatter | None, list[Problem]]:
    """A page's text and its front matter as the site reads it (first: where MkDocs cannot
    read front matter it ignores it, and a committee-only page would be public), with the
    problems that keep either from being sure."""
    try:
        source = front_matter.page_text(path.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        return "", None, [Problem(name, 0, "", f"cannot be read as UTF-8 text ({exc})")]
    said = front_matter.read(source)
    return source, said, [Problem(name, line, "", message) for line, message in said.problems]


class _Checker:
    def __init__(self, data: SiteData, docs_dir: Path, site_dir: Path, macros: dict):
        self.docs_dir, self.site_dir = docs_dir, site_dir
        self.full = data
        self.render_by_default = macros.get("render_by_default", True) is not False
        self.env = jinja2.Environment(**{
            name: macros[f"j2_{name}"] for name in (
                "block_start_string", "block_end_string", "variable_start_string",
                "variable_end_string", "comment_start_string", "comment_end_string")
            if macros.get(f"j2_{name}")})
        self.views = {view.__name__: view for view in MACROS}
        # Where mkdocs-macros' loader looks (its include_dir as given: from where MkDocs runs).
        self.include_dir = Path(macros.get("include_dir") or docs_dir)
        # With macros of the site's own (a main.py, other modules), a name that is not ours
        # may be theirs: only our macros' calls are checked then.
        modules = [m for m in macros.get("modules") or [] if m != MODULE]
        own_module = (site_dir / f"{macros.get('module_name') or 'main'}.py").is_file() or (
            site_dir / (macros.get("module_name") or "main")).is_dir()
        self.all_names_known = not modules and not own_module and not macros.get("j2_extensions")

    def page(self, path: Path) -> list[Problem]:
        from mkdocs.utils.meta import get_data

        name = _rel(path, self.site_dir)
        source, said, problems = _read(path, name)
        if problems:
            return problems
        body, front = get_data(source)
        if not self._rendered(path, front):
            return []
        # The macros see the page without its front matter: count the lines it took.
        offset = source[: len(source) - len(body)].count("\n") if source.endswith(body) else 0
        try:
            tree = self.env.parse(body)
        except jinja2.TemplateSyntaxError as exc:
            return [Problem(name, (exc.lineno or 0) + offset, "",
                            f"the page cannot be read as a template: {exc.message}")]
        committee = said.audience == "committee"
        undeclared = meta.find_undeclared_variables(tree)
        problems = []
        for call in tree.find_all(nodes.Call):
            if not isinstance(call.node, nodes.Name) or call.node.name not in undeclared:
                continue  # a method, a filter's result, or a name the page defines itself
            said = self.call(call, committee)
            if said:
                problems.append(Problem(name, call.lineno + offset, "", said))
        if not committee:  # a committee page may bring in anything: it is never public
            problems += [Problem(name, line + offset, "", said)
                         for line, said in self.pulled_in(tree, {path.resolve()})]
        return problems

    def pulled_in(self, tree: nodes.Template, seen: set[Path]) -> list[tuple[int, str]]:
        """The lines of a public page (or of a file it brings in) that bring in a file only
        for the committee, or a file the site cannot name before the build, and why."""
        found = []
        for tag in tree.find_all(tuple(PULLS_IN)):
            keyword = PULLS_IN[type(tag)]
            value = _constant(tag.template)
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, (list, tuple)) or not all(isinstance(n, str)
                                                               for n in names):
                found.append((tag.lineno, (
                    f"{{% {keyword} %}} names its file only when the site is built, so the "
                    f"site cannot tell whether that file is only for the committee, and this "
                    f'page is public; write the file\'s name in quotes, e.g. {{% {keyword} '
                    f'"part.md" %}}, or add audience: committee to the front matter')))
                continue
            for target in names:
                said = self.target(target, getattr(tag, "ignore_missing", False), seen)
                if said:
                    found.append((tag.lineno, f'{{% {keyword} "{target}" %}}: {said}'))
                    break
        return found

    def target(self, name: str, may_be_missing: bool, seen: set[Path]) -> str | None:
        """What keeps a public page from bringing in the file `name`, in words, or None."""
        try:
            path = self.include_dir.joinpath(*split_template_path(name))
        except jinja2.TemplateNotFound:
            path = None
        where = _rel(self.include_dir, self.site_dir)
        if path is None or not path.is_file():
            return None if may_be_missing else f'there is no file "{name}" in {where}/'
        said = refusal(path, self.include_dir)
        if said or path.resolve() in seen:
            return said
        text, front, problems = _read(path, name)
        if problems:
            first = problems[0]
            return (f"the site cannot be sure that {_rel(path, self.site_dir)} is public "
                    f"(line {first.line}: {first.message}), and this page is public")
        if front.audience != "public":
            return (f"{_rel(path, self.site_dir)} is only for the committee (audience: "
                    f"committee) and this page is public: its text would be in the public "
                    f"page and its search entry; add audience: committee to this page's "
                    f"front matter, or leave this line out")
        try:  # the file is a template too, and may bring in others
            tree = self.env.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            return f"{_rel(path, self.site_dir)}:{exc.lineno}: cannot be read as a template"
        inner = self.pulled_in(tree, seen | {path.resolve()})
        if inner:
            line, said = inner[0]
            return f"{_rel(path, self.site_dir)}:{line} brings in another file: {said}"
        return None

    def _rendered(self, path: Path, front: dict) -> bool:
        wanted = front.get("render_macros")
        return self.render_by_default if wanted is None else bool(wanted)

    def call(self, call: nodes.Call, committee: bool) -> str | None:
        """What is wrong with one call, in words, or None."""
        name = call.node.name
        view = self.views.get(name)
        if view is None:
            if name in BUILT_IN or not self.all_names_known:
                return None
            close = difflib.get_close_matches(name, sorted(self.views), n=1, cutoff=0.6)
            hint = (f'; did you mean "{close[0]}"?' if close else
                    "; the macros are listed in docs/new-site.md")
            return f'{name}(): there is no macro "{name}"{hint}'
        if call.dyn_args is not None or call.dyn_kwargs is not None:
            return None  # *args or **kwargs: the arguments are not known until the build
        signature = _signature(view)
        args = [_constant(arg) for arg in call.args]
        kwargs = {kw.key: _constant(kw.value) for kw in call.kwargs}
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            return f"{name}{_shown(signature)}: {_bind_problem(exc, signature, len(args))}"
        for param, value in bound.arguments.items():
            kind = ID_KINDS.get(param)
            if kind is None:
                continue
            many = signature.parameters[param].kind is inspect.Parameter.VAR_POSITIONAL
            for item in value if many else (value,):
                said = self.id_problem(name, kind, item, committee)
                if said:
                    return said
        return None

    def id_problem(self, name: str, kind: str, value, committee: bool) -> str | None:
        """What is wrong with an id given to a macro. A public page is built from the public
        copy of the data, which leaves out every area, measure and visit marked `audience:
        committee` (publish/audience.py): the same rule is applied here, on the records."""
        if value is _UNKNOWN or value is None:
            return None
        article = "an" if kind[0] in "aeiou" else "a"
        known = [r.id for r in _records(self.full, kind)
                 if committee or r.audience != "committee"]
        if not isinstance(value, str):
            example = known[0] if known else "an-id"
            return (f"{name}(): {_found(value)} is not {article} {kind} id; write the id in "
                    f'quotes, e.g. {name}("{example}")')
        if value in known:
            return None
        if self.full.has(kind, value):
            return (f'{name}("{value}"): {kind} "{value}" is only for the committee '
                    f"(audience: committee) and this page is public; add audience: committee "
                    f"to the page's front matter, or leave the call out")
        return (f'{name}("{value}"): "{value}" is not {article} {kind} id in '
                f"{FILES[kind]}{_suggestion(value, known)}")


class _Unknown:
    def __repr__(self) -> str:
        return "…"


_UNKNOWN = _Unknown()  # an argument that is not a constant: bound, never checked


def _constant(node: nodes.Expr):
    try:
        return node.as_const()
    except nodes.Impossible:
        return _UNKNOWN


def _signature(view) -> inspect.Signature:
    """The view's signature as a page calls it: without the page context."""
    signature = inspect.signature(view)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


def _shown(signature: inspect.Signature) -> str:
    return "(" + ", ".join(
        ("*" + p.name) if p.kind is p.VAR_POSITIONAL else
        (f"{p.name}=None" if p.default is None else p.name)
        for p in signature.parameters.values()) + ")"


def _bind_problem(exc: TypeError, signature: inspect.Signature, given: int) -> str:
    """Python's complaint about a call's arguments, in the page author's words."""
    said = str(exc)
    params = list(signature.parameters.values())
    if said.startswith("too many positional"):
        most = len(params)
        return (f"takes at most {most} argument{'s' if most != 1 else ''}, "
                f"but the page gives {given}")
    if said.startswith("missing a required argument"):
        return f"{said.rsplit(':', 1)[-1].strip()} is missing; give it in the brackets"
    if said.startswith("got an unexpected keyword argument"):
        return (f"it has no argument {said.rsplit(' ', 1)[-1]}; its arguments are "
                f"{', '.join(p.name for p in params) or 'none'}")
    return said


def _records(data: SiteData, kind: str) -> tuple:
    return {"area": data.areas, "measure": data.measures, "visit": data.visits}[kind]


def _found(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _suggestion(value: str, known: list[str]) -> str:
    """A close id if there is one (`did you mean "front-door"?`), else the nearest few, so
    the message always says what the ids look like."""
    close = did_you_mean(value, known)
    if close or not known:
        return close or "; there are none yet"
    nearest = difflib.get_close_matches(value, known, n=3, cutoff=0)
    quoted = [f'"{i}"' for i in nearest]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"; did you mean {listed}?"
