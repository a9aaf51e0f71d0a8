"""Graph passes over the steps, all iterative (a 30,000-step chain must not hit the recursion limit).

Nodes are step positions ``0..n-1``; ``succ[u]`` lists the positions step ``u`` can go to.
"""

from __future__ import annotations

from collections.abc import Sequence


def depth_first(succ: Sequence[Sequence[int]], start: int) -> tuple[bytearray, list[int], bool]:
    """Walk from ``start``: which nodes are reached, their post-order, and whether a cycle is reachable.

    One stack of ints: ``node`` means "enter", ``~node`` (negative) means "leave". A node is entered
    when popped, not when pushed, so the order is a true depth-first order and reversing the
    post-order gives a topological order of any acyclic part. A cycle shows up as an edge, seen on
    entering a node, to a node still on the current path (a back edge or a self-loop).
    """
    seen = bytearray(len(succ))
    on_path = bytearray(len(succ))
    post: list[int] = []
    stack = [start]
    cycle = False
    push, pop, done = stack.append, stack.pop, post.append
    while stack:
        node = pop()
        if node < 0:
            node = ~node
            on_path[node] = 0
            done(node)
            continue
        if seen[node]:
            continue
        seen[node] = on_path[node] = 1
        push(~node)
        for target in succ[node]:
            if not seen[target]:
                push(target)
            elif on_path[target]:
                cycle = True
    return seen, post, cycle


def reaching_an_exit(post: Sequence[int], succ: Sequence[Sequence[int]], exits: bytearray) -> bytearray:
    """Mark the nodes of ``post`` (a depth-first post-order) from which some path reaches an exit.

    One sweep in post-order settles every node whose way out does not go through a back edge; the
    few left are settled by a backward walk over the edges among them only, so this stays linear.
    """
    good = bytearray(len(succ))
    for node in post:
        if exits[node]:
            good[node] = 1
            continue
        for target in succ[node]:
            if good[target]:
                good[node] = 1
                break
    rest = [node for node in post if not good[node]]
    preds: dict[int, list[int]] = {}
    queue: list[int] = []
    for node in rest:
        for target in succ[node]:
            if good[target]:
                if not good[node]:
                    good[node] = 1
                    queue.append(node)
            else:
                preds.setdefault(target, []).append(node)
    for node in queue:  # the list grows while it is read: a breadth-first walk backwards
        for source in preds.get(node, ()):
            if not good[source]:
                good[source] = 1
                queue.append(source)
    return good


def strongly_connected(nodes: Sequence[int], succ: Sequence[Sequence[int]], member: bytearray) -> list[list[int]]:
    """Tarjan's strongly connected components of the subgraph of the nodes with ``member[node]`` set.

    Iterative: an explicit stack of (node, iterator over its successors) replaces the recursion.
    """
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    groups: list[list[int]] = []
    for root in nodes:
        if root in index or not member[root]:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            node, targets = work[-1]
            descended = False
            for target in targets:
                if not member[target]:
                    continue
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(succ[target])))
                    descended = True
                    break
                if target in on_stack and index[target] < low[node]:
                    low[node] = index[target]
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                group: list[int] = []
                while True:
                    member_node = stack.pop()
                    on_stack.discard(member_node)
                    group.append(member_node)
                    if member_node == node:
                        break
                groups.append(group)
    return groups


def trapped_groups(reached: Sequence[int], succ: Sequence[Sequence[int]], exits: bytearray) -> list[list[int]]:
    """Groups of reached steps that all reach each other and from which the call can never end.

    A step that cannot reach any exit is trapped; the trapped steps' edges stay among trapped steps, so
    the groups to report are the strongly connected components of the trapped subgraph that no edge
    leaves, keeping only real cycles (two or more steps, or one step that goes to itself). A step
    whose only way on is a missing step is trapped too, but on its own it is not a loop: that is
    reported as a dangling next step instead.
    """
    good = reaching_an_exit(reached, succ, exits)
    trapped = bytearray(len(succ))
    candidates = []
    for node in reached:
        if not good[node]:
            trapped[node] = 1
            candidates.append(node)
    if not candidates:
        return []
    result = []
    for group in strongly_connected(sorted(candidates), succ, trapped):
        members = set(group)
        if any(target not in members for node in group for target in succ[node]):
            continue  # it leads on to another trapped group, which is the one reported
        if len(group) > 1 or group[0] in succ[group[0]]:
            result.append(sorted(group))
    return result


def must_reach_with(
    order: Sequence[int],
    succ: Sequence[Sequence[int]],
    gen: dict[int, int],
    start: int,
    universe: int,
) -> list[int]:
    """For each node, the bitmask of variables set on EVERY path from ``start`` to it (before it runs).

    Forward "must" dataflow: ``IN[start] = 0``, ``IN[v] = AND of OUT[u] over predecessors u``,
    ``OUT[u] = IN[u] | gen[u]``. ``order`` is the reverse post-order of the reached nodes, so an acyclic
    flow is settled in one sweep; a sweep is repeated only when a loop lowered a value behind it.
    Values only lose bits, so this ends; each step is one int, never a copied set.
    """
    n = len(succ)
    value = [universe] * n
    value[start] = 0
    rank = [0] * n
    for position, node in enumerate(order):
        rank[node] = position
    dirty = bytearray(b"\x01") * len(order)
    again = True
    while again:
        again = False
        for position, node in enumerate(order):
            if not dirty[position]:
                continue
            dirty[position] = 0
            out = value[node] | gen.get(node, 0)
            for target in succ[node]:
                old = value[target]
                new = old & out
                if new != old:
                    value[target] = new
                    target_rank = rank[target]
                    dirty[target_rank] = 1
                    if target_rank <= position:
                        again = True
    return value
