"""The PDF's tables as a screen reader should meet them: one table each, headers scoped.

WeasyPrint 70 tags each page on its own, so a table that runs over four pages becomes four
`/Table` structure elements, each after the first without its caption and with its own copy
of the header row (drawn again at the top of each page); and it gives its header cells
(`/TH`) no `/Scope`, which PDF/UA requires of a table without `/Headers` on every cell
(Matterhorn 15-003). Both are WeasyPrint's doing: the HTML has one `<table>` with one
`<caption>` and a `scope` on every `<th>`. So, after the layout (and after a long report's
parts are joined, `pdf_parts.py`):

- a `/Table` with no `/Caption` that directly follows a `/Table` on an earlier page (every
  table in the report has a caption: `blocks.Table`) is that table's continuation: its body
  rows join the first part's body, and its repeated header row becomes a pagination artifact
  (drawn, not read again), its data cells pointing at the first header row's cells instead;
  a footer row repeated at the foot of an earlier page likewise;
- every `/TH` gets the scope the HTML gives it: `Column` in a header row, `Row` elsewhere (the
  first cell of each body and footer row, `scope="row"` in blocks.html.j2).
"""

from __future__ import annotations


def mend(doc) -> None:
    """Join split tables and scope every header cell, in place (`doc` open in pikepdf)."""
    import pikepdf

    artifacts: dict[tuple, set[int]] = {}  # page (objgen) -> its MCIDs made artifacts

    def walk(node) -> None:
        kids = node.get("/K")
        if not isinstance(kids, pikepdf.Array):
            return
        i = 0
        while i < len(kids):
            kid = kids[i]
            if (i and _is(kid, "/Table") and _is(kids[i - 1], "/Table")
                    and not _parts(kid, "/Caption") and kid.Pg.objgen != kids[i - 1].Pg.objgen):
                _join(kids[i - 1], kid, artifacts)
                del kids[i]
                continue
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)
            i += 1

    tree = doc.Root.StructTreeRoot
    walk(tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K)
    if artifacts:
        _make_artifacts(doc, artifacts)
    _scope(tree)


def _is(node, kind: str) -> bool:
    import pikepdf

    return isinstance(node, pikepdf.Dictionary) and node.get("/S") == kind


def _parts(table, kind: str) -> list:
    return [k for k in table.K if _is(k, kind)]


def _cells(group) -> list:
    return [cell for row in group.K if _is(row, "/TR") for cell in row.K
            if _is(cell, "/TH") or _is(cell, "/TD")]


def _join(table, more, artifacts) -> None:
    """`more`'s rows into `table`: its header row (and an earlier footer row) artifacts."""
    import pikepdf

    head, their_head = _parts(table, "/THead"), _parts(more, "/THead")
    renamed = {}
    if head and their_head:  # the repeated header's cells' ids -> the first header's
        for mine, theirs in zip(_cells(head[0]), _cells(their_head[0])):
            if "/ID" in mine and "/ID" in theirs:
                renamed[bytes(theirs.ID)] = mine.ID
    for group in their_head:
        if head:
            _artifact(group, artifacts)
        else:  # the first part was its caption alone: this is the header's one drawing
            group.P = table
            table.K.insert(len(_parts(table, "/Caption")), group)
            head = [group]
    body, their_foot = _parts(table, "/TBody"), _parts(more, "/TFoot")
    if their_foot:  # the footer belongs at the table's end: a footer drawn before it repeats
        for group in _parts(table, "/TFoot"):
            _artifact(group, artifacts)
            table.K.remove(group)
    for group in _parts(more, "/TBody"):
        for row in group.K:
            for cell in (row.K if _is(row, "/TR") else []):
                headers = cell.get("/A", {}).get("/Headers")
                if headers is not None:
                    cell.A.Headers = pikepdf.Array(renamed.get(bytes(h), h) for h in headers)
            if body:
                row.P = body[0]
                body[0].K.append(row)
        if not body:
            group.P = table
            table.K.append(group)
            body = [group]
    for group in their_foot:
        group.P = table
        table.K.append(group)


def _artifact(node, artifacts) -> None:
    """Note every marked-content id under `node`, by page, to be drawn as an artifact."""
    import pikepdf

    for kid in node.get("/K", []) if isinstance(node.get("/K"), pikepdf.Array) else [node.K]:
        if isinstance(kid, int):
            artifacts.setdefault(node.Pg.objgen, set()).add(int(kid))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _artifact(kid, artifacts)


def _make_artifacts(doc, artifacts) -> None:
    """Each noted piece of marked content becomes a pagination artifact in its page's content
    stream, and the page's other marked content is numbered on without it, so the page's
    ParentTree entry (element by marked-content id) keeps no gap."""
    import pikepdf

    nums = doc.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): i + 1 for i in range(0, len(nums), 2)}
    artifact = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
    for page in doc.pages:
        gone = artifacts.get(page.obj.objgen)
        if not gone:
            continue
        where = parents[int(page.obj.StructParents)]
        elements = list(nums[where])
        kept = [mcid for mcid in range(len(elements)) if mcid not in gone]
        number = {old: new for new, old in enumerate(kept)}
        instructions = pikepdf.parse_content_stream(page)
        for n, (operands, operator) in enumerate(instructions):
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                mcid = int(operands[1].get("/MCID", -1))
                if mcid in gone:
                    instructions[n] = pikepdf.ContentStreamInstruction(artifact, operator)
                elif mcid in number:
                    operands[1].MCID = number[mcid]
                    instructions[n] = pikepdf.ContentStreamInstruction(operands, operator)
        page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(instructions))
        for element in {e.objgen: e for e in elements
                        if isinstance(e, pikepdf.Dictionary)}.values():
            element.K = pikepdf.Array(number.get(k, k) if isinstance(k, int) else k
                                      for k in element.K)
        nums[where] = pikepdf.Array(elements[mcid] for mcid in kept)


def _scope(tree) -> None:
    import pikepdf

    def walk(node, in_head: bool) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if not (isinstance(kid, pikepdf.Dictionary) and "/S" in kid):
                continue
            if kid.S == "/TH":
                if "/A" not in kid:
                    kid.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
                kid.A.Scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
            walk(kid, kid.S == "/THead" or (in_head and kid.S != "/Table"))

    walk(tree, False)
