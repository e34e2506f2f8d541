"""Architecture pictures: Mermaid flowcharts of the mock AWS account, drawn in JupyterLab; and
``bar_chart``, a Mermaid bar chart of counts (the course installs no plotting library).

``vpc`` and ``load_balancer`` read state and hand plain data to the pure ``vpc_flowchart`` and
``load_balancer_flowchart``. Node ids are ``n0``, ``n1``, ...; AWS ids sit in escaped labels.
"""

from __future__ import annotations

import ipaddress
from contextlib import contextmanager, nullcontext
from itertools import groupby

from grader.sim.network import Network
from grader.state.ec2 import read_network

INTERNET = "internet"
NO_ROUTE = "no-route-out"
_CODES = str.maketrans({"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;"})
_SHAPES = {"box": ("[", "]"), "circle": ("((", "))"), "hexagon": ("{{", "}}"), "pill": ("([", "])")}


class Diagram:
    """A Mermaid flowchart (``source``) that JupyterLab draws; ``ids`` maps AWS id -> node id."""

    def __init__(self):
        self.lines, self.ids, self._depth = ["flowchart LR"], {}, 1

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/vnd.mermaid": self.source, "text/plain": self.source}

    def __str__(self) -> str:
        return self.source

    def node(self, key: str, *label: str, shape: str = "box") -> None:
        self._add(self._id(key) + _label(*label).join(_SHAPES[shape]))  # n3 + "[" label "]"

    def edge(self, source: str, target: str, label: str = "", arrow: str = "-->") -> None:
        self._add(f"{self._id(source)} {arrow}{f'|{_label(label)}|' if label else ''} {self._id(target)}")

    @contextmanager
    def group(self, key: str, *label: str):
        self._add(f"subgraph {self._id(key)} [{_label(*label)}]")
        self._depth += 1
        yield
        self._depth -= 1
        self._add("end")

    def _add(self, line: str) -> None:
        self.lines.append("    " * self._depth + line)

    def _id(self, key: str) -> str:
        return self.ids.setdefault(key, f"n{len(self.ids)}")


class Chart:
    """A Mermaid chart given as its lines; JupyterLab draws it like a ``Diagram``."""

    def __init__(self, lines: list[str]):
        self.source = "\n".join(lines) + "\n"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/vnd.mermaid": self.source, "text/plain": self.source}

    def __str__(self) -> str:
        return self.source


def bar_chart(counts, title: str, x_label: str, y_label: str, *, horizontal: bool = False) -> Chart:
    """A bar per entry of ``counts`` (a pandas Series or a dict of label -> number), in the order
    given; every label is quoted, so addresses and ports need no care. ``horizontal`` lays the
    bars sideways, which keeps long labels (IP addresses) readable."""
    items = [(label, float(value)) for label, value in counts.items()]
    top = max((value for _, value in items), default=0)
    return Chart([
        "xychart-beta horizontal" if horizontal else "xychart-beta",
        f"    title {_quoted(title)}",
        f"    x-axis {_quoted(x_label)} [{', '.join(_quoted(label) for label, _ in items)}]",
        f"    y-axis {_quoted(y_label)} 0 --> {int(top * 1.1) + 1}",
        f"    bar [{', '.join(str(int(v)) if v.is_integer() else str(v) for _, v in items)}]",
    ])


def _quoted(text) -> str:
    return '"' + str(text).replace('"', "'") + '"'


def vpc(session, vpc_id: str) -> Diagram:
    """Subnets per AZ, their 0.0.0.0/0 routes, gateways and security-group links of one VPC."""
    groups = session.client("ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    return vpc_flowchart(read_network(session, vpc_id), vpc_id,
                         {g["GroupId"]: g["GroupName"] for g in groups})


def load_balancer(session, load_balancer_arn: str) -> Diagram:
    """An ALB or NLB: listeners, default actions, rules, target groups and their targets."""
    elbv2 = session.client("elbv2")
    lb = elbv2.describe_load_balancers(LoadBalancerArns=[load_balancer_arn])["LoadBalancers"][0]
    listeners = elbv2.describe_listeners(LoadBalancerArn=load_balancer_arn)["Listeners"]
    rules = {x["ListenerArn"]: elbv2.describe_rules(ListenerArn=x["ListenerArn"])["Rules"] for x in listeners}
    actions = [x["DefaultActions"] for x in listeners] + [r["Actions"] for v in rules.values() for r in v]
    arns = list(dict.fromkeys(arn for each in actions for a in each for arn, _ in _forwards(a)))
    groups = sorted(elbv2.describe_target_groups(TargetGroupArns=arns)["TargetGroups"] if arns else [],
                    key=lambda tg: arns.index(tg["TargetGroupArn"]))
    health = {a: elbv2.describe_target_health(TargetGroupArn=a)["TargetHealthDescriptions"] for a in arns}
    return load_balancer_flowchart(lb, listeners, rules, groups, health)


def vpc_flowchart(network: Network, vpc_id: str, group_names: dict[str, str] | None = None) -> Diagram:
    """The picture of ``vpc_id`` in ``network`` (pure); ``group_names`` maps group id -> name."""
    names, chart, edges = group_names or {}, Diagram(), []
    subnets = sorted((s for s in network.subnets.values() if s.vpc_id == vpc_id),
                     key=lambda s: (s.availability_zone, ipaddress.ip_network(s.cidr)))
    for subnet in subnets:
        table = network.route_tables.get(subnet.route_table_id)
        route = next((r for r in table.routes if r.destination == "0.0.0.0/0"), None) if table else None
        edges.append((subnet.subnet_id, route.target if route else NO_ROUTE, "0.0.0.0/0" + (
            f" ({route.state})" if route and route.state != "active" else ""), "-->" if route else "-.->"))
    chart.node(INTERNET, "Internet", shape="circle")
    gateways = [g for g, attached in network.internet_gateways.items() if attached == vpc_id]
    for igw in dict.fromkeys(gateways + [t for _, t, _, _ in edges if t.startswith("igw-")]):
        chart.node(igw, "Internet gateway", igw, shape="hexagon")
        edges.append((igw, INTERNET, "", "---"))
    groups, sg_edges = _security_groups(network, vpc_id, names)
    with chart.group(vpc_id, f"VPC {vpc_id}, {network.vpcs.get(vpc_id, '')}"):  # one-line titles fit
        for az, in_az in groupby(subnets, key=lambda s: s.availability_zone):
            with chart.group(f"az:{az}", az):
                for subnet in in_az:
                    nats = [n for n in network.nat_gateways.values() if n.subnet_id == subnet.subnet_id]
                    # a subnet holding NAT gateways is a box around the subnet's node and theirs
                    box = chart.group(f"{subnet.subnet_id}:box", f"subnet {subnet.cidr}")
                    with box if nats else nullcontext():
                        chart.node(subnet.subnet_id, f"Subnet {subnet.subnet_id}", subnet.cidr,
                                   "public IPs on launch" if subnet.map_public_ip else "no public IPs")
                        for nat in nats:
                            chart.node(nat.nat_gateway_id, "NAT gateway", nat.nat_gateway_id, shape="hexagon")
        if any(target == NO_ROUTE for _, target, _, _ in edges):
            chart.node(NO_ROUTE, "no route out", "local only", shape="pill")
        if groups:
            with chart.group("security-groups", "Security groups"):
                for group_id in groups:
                    chart.node(group_id, f"SG {names.get(group_id, group_id)}", group_id)
    for source, target, label, arrow in edges + sg_edges:
        for key in [k for k in (source, target) if k not in chart.ids]:  # a CIDR, a peer's group...
            chart.node(key, key)
        chart.edge(source, target, label, arrow)
    return chart


def load_balancer_flowchart(lb: dict, listeners: list, rules: dict, target_groups: list, health: dict):
    """One load balancer from describe_* answers (pure); ``rules`` and ``health`` are keyed by ARN."""
    chart, edges, lb_arn = Diagram(), [], lb["LoadBalancerArn"]
    chart.node(lb_arn, lb["LoadBalancerName"], f"{lb.get('Type', '')} load balancer",
               lb.get("Scheme", ""), shape="hexagon")
    for listener in sorted(listeners, key=lambda ls: ls["Port"]):
        arn = listener["ListenerArn"]
        chart.node(arn, f"Listener {listener['Protocol']}:{listener['Port']}",
                   "with certificate" if listener.get("Certificates") else "", shape="pill")
        edges.append((lb_arn, arn, ""))
        choices = [("default", listener["DefaultActions"])] + [
            (f"rule {r['Priority']}: {_conditions(r)}", r["Actions"])
            for r in sorted((r for r in rules.get(arn, []) if str(r["Priority"]).isdigit()),
                            key=lambda r: int(r["Priority"]))]
        for n, (when, actions) in enumerate(choices):
            action = sorted(actions, key=lambda a: a.get("Order", 0))[-1]  # the last one answers
            for target, weight in _forwards(action) or [(f"{arn}#{n}", "")]:
                if all(tg["TargetGroupArn"] != target for tg in target_groups):
                    chart.node(target, _describe(action), shape="pill")
                edges.append((arn, target, f"{when}, {weight}" if weight else when))
    for tg in target_groups:
        arn, path = tg["TargetGroupArn"], tg.get("HealthCheckPath")
        with chart.group(arn, f"Target group {tg['TargetGroupName']}, {tg.get('Protocol')}:{tg.get('Port')}"):
            for target in health.get(arn) or [{"Target": {"Id": "no targets registered"}}]:
                where = ":".join(str(target["Target"][k]) for k in ("Id", "Port") if k in target["Target"])
                chart.node(f"{arn}|{where}", where, target.get("TargetHealth", {}).get("State", "")
                           + (f" (health check {path})" if path and "TargetHealth" in target else ""))
    for source, target, label in edges:
        chart.edge(source, target, label)
    return chart


def _security_groups(network: Network, vpc_id: str, names: dict) -> tuple[list, list]:
    """Groups to draw (not an untouched default) and a (source, group, "tcp 443", arrow) per rule."""
    edges, groups = {}, [g for g in network.security_groups.values() if g.vpc_id == vpc_id]
    for group in groups:
        for rule in group.ingress:
            if rule.group_id == group.group_id and names.get(group.group_id) == "default":
                continue
            source = rule.group_id or (INTERNET if rule.cidr in ("0.0.0.0/0", "::/0") else rule.cidr)
            ports = "all traffic" if rule.protocol == "-1" else rule.protocol + (
                "" if rule.from_port in (-1, None) else f" {rule.from_port}"
                + ("" if rule.to_port == rule.from_port else f"-{rule.to_port}"))
            edges[source, group.group_id, ports, "-->"] = None
    return [g.group_id for g in groups if names.get(g.group_id) != "default"
            or any(g.group_id in edge[:2] for edge in edges)], list(edges)


def _forwards(action: dict) -> list[tuple[str, str]]:
    """(target-group ARN, "weight 90" or "") for a forward action; [] for any other."""
    if action.get("Type") != "forward":
        return []
    tgs = action.get("ForwardConfig", {}).get("TargetGroups") or [action]
    return [(tg["TargetGroupArn"], f"weight {tg.get('Weight', 1)}" if len(tgs) > 1 else "") for tg in tgs]


def _describe(action: dict) -> str:
    """``redirect to HTTPS:443 (301)`` (or ``host x``, ``path /y``), ``fixed response 403`` or the
    action's type."""
    c = action.get("RedirectConfig") or action.get("FixedResponseConfig") or {}
    if action["Type"] == "redirect":  # only the parts it changes: HTTPS:443, host x, path /y
        where = ":".join(str(c[k]) for k in ("Protocol", "Port") if c.get(k))
        where = " ".join([where] * bool(where) + [f"{k.lower()} {c[k]}" for k in ("Host", "Path")
                                                   if c.get(k)])
        return f"redirect to {where} ({c['StatusCode'][-3:]})"
    return f"fixed response {c['StatusCode']}" if "StatusCode" in c else action["Type"]


def _conditions(rule: dict) -> str:
    """``path-pattern /api/* and host-header admin.*``: a rule's conditions in words."""
    def values(condition):
        found = condition.get("Values") or next(
            (c.get("Values", []) for k, c in condition.items() if k.endswith("Config")), [])
        return [f"{v.get('Key') or ''}={v['Value']}" if isinstance(v, dict) else v for v in found]
    return " and ".join(f"{c['Field']} {' or '.join(values(c))}" for c in rule.get("Conditions", []))


def _label(*lines: str) -> str:
    """One quoted Mermaid label; ``#`` ``"`` ``<`` ``>`` become entity codes, lines join with <br/>."""
    return '"' + "<br/>".join(str(line).translate(_CODES) for line in lines if line != "") + '"'
