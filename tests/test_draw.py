"""Architecture pictures (``grader/draw.py``) against real moto: a web_app VPC and a small ALB."""

from __future__ import annotations

import re

import pytest

from grader import draw
from grader.scenarios.vpc import web_app
from grader.sim.network import Network, RouteTable, Subnet

AZS = ["us-east-1a", "us-east-1b"]
#: One statement per line: a header, a subgraph, its end, a node, or an edge; labels quoted.
LABEL = r'"[^"]*"'
STATEMENT = re.compile(
    rf"^flowchart LR$|^ *end$|^ *subgraph n\d+ \[{LABEL}\]$"
    rf"|^ *n\d+(\[{LABEL}\]|\(\({LABEL}\)\)|\{{\{{{LABEL}\}}\}}|\(\[{LABEL}\]\))$"
    rf"|^ *n\d+ (-->|-\.->|---)(\|{LABEL}\|)? n\d+$"
)


@pytest.fixture
def network(session):
    return web_app(session, "10.0.0.0/16", AZS, app_port=8080, db_port=5432)


@pytest.fixture
def picture(session, network):
    return draw.vpc(session, network["vpc_id"])


def edge(diagram, source, target, label=None) -> str:
    text = f'|"{label}"|' if label else ""
    return f"{diagram.ids[source]} -->{text} {diagram.ids[target]}"


def assert_valid_mermaid(diagram):
    lines = diagram.source.splitlines()
    assert lines[0] == "flowchart LR"
    assert [line for line in lines if not STATEMENT.match(line)] == []
    depth = 0
    for line in lines:  # every subgraph is closed, never more ends than subgraphs
        depth += line.lstrip().startswith("subgraph ") - (line.strip() == "end")
        assert depth >= 0
    assert depth == 0


def test_vpc_diagram_names_every_subnet_id_and_cidr(session, network, picture):
    subnets = session.client("ec2").describe_subnets(
        SubnetIds=[s for tier in network["subnets"].values() for s in tier.values()])["Subnets"]
    assert len(subnets) == 6
    for subnet in subnets:
        node = picture.ids[subnet["SubnetId"]]
        assert f'{node}["Subnet {subnet["SubnetId"]}<br/>{subnet["CidrBlock"]}<br/>' in picture.source


def test_vpc_diagram_says_which_subnets_map_public_ips(network, picture):
    expected_by_tier = {"public": "public IPs on launch", "app": "no public IPs", "db": "no public IPs"}
    for tier, expected in expected_by_tier.items():
        for subnet_id in network["subnets"][tier].values():
            assert re.search(rf"Subnet {subnet_id}<br/>[0-9./]+<br/>{expected}", picture.source)


def test_vpc_diagram_routes_public_subnets_to_the_internet_gateway(network, picture):
    igw = network["internet_gateway_id"]
    assert f'{{{{"Internet gateway<br/>{igw}"}}}}' in picture.source
    for subnet_id in network["subnets"]["public"].values():
        assert edge(picture, subnet_id, igw, "0.0.0.0/0") in picture.source
    assert f"{picture.ids[igw]} --- {picture.ids[draw.INTERNET]}" in picture.source


def test_vpc_diagram_routes_each_app_subnet_to_the_nat_gateway_of_its_az(network, picture):
    for az in AZS:
        nat = network["nat_gateways"][az]
        assert edge(picture, network["subnets"]["app"][az], nat, "0.0.0.0/0") in picture.source
        assert edge(picture, network["subnets"]["app"][az], network["nat_gateways"][
            AZS[1 - AZS.index(az)]], "0.0.0.0/0") not in picture.source


def test_vpc_diagram_draws_each_nat_gateway_in_a_box_with_its_public_subnet(network, picture):
    for az in AZS:
        subnet, nat = network["subnets"]["public"][az], network["nat_gateways"][az]
        box_id = picture.ids[subnet + ":box"]
        box = re.search(rf'subgraph {box_id} \["subnet [0-9./]+"\]\n(.*)\n(.*)\n *end\n', picture.source)
        assert box.group(1).strip().startswith(f'{picture.ids[subnet]}["Subnet {subnet}<br/>')
        assert box.group(2).strip() == f'{picture.ids[nat]}{{{{"NAT gateway<br/>{nat}"}}}}'


def test_vpc_diagram_says_db_subnets_have_no_route_out(network, picture):
    assert '(["no route out<br/>local only"])' in picture.source
    for subnet_id in network["subnets"]["db"].values():
        no_route = f'{picture.ids[subnet_id]} -.->|"0.0.0.0/0"| {picture.ids[draw.NO_ROUTE]}'
        assert no_route in picture.source


def test_vpc_diagram_links_security_groups_with_their_ports(network, picture):
    groups = network["security_groups"]
    assert edge(picture, draw.INTERNET, groups["alb"], "tcp 443") in picture.source
    assert edge(picture, groups["alb"], groups["app"], "tcp 8080") in picture.source
    assert edge(picture, groups["app"], groups["db"], "tcp 5432") in picture.source
    assert f'"SG alb<br/>{groups["alb"]}"' in picture.source


def test_vpc_diagram_leaves_out_the_untouched_default_security_group(session, network, picture):
    default = session.client("ec2").describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [network["vpc_id"]]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    assert default not in picture.source


def test_vpc_diagram_is_valid_looking_mermaid(picture):
    assert_valid_mermaid(picture)


def test_diagram_renders_as_mermaid_in_jupyterlab_and_as_text_elsewhere(picture):
    bundle = picture._repr_mimebundle_()
    assert bundle == {"text/vnd.mermaid": picture.source, "text/plain": picture.source}
    assert str(picture) == picture.source


def test_labels_escape_quotes_and_angle_brackets_so_the_source_stays_valid():
    network = Network(
        vpcs={"vpc-1": "10.9.0.0/16"},
        subnets={"subnet-a": Subnet("subnet-a", "vpc-1", "10.9.0.0/24", "us-east-1a", "rtb-1")},
        route_tables={"rtb-1": RouteTable("rtb-1", "vpc-1")},
    )
    picture = draw.vpc_flowchart(network, "vpc-1")
    picture.node("odd", 'say "hi" <b>#1</b>')
    assert 'say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt;' in picture.source
    assert_valid_mermaid(picture)


@pytest.fixture
def alb(session, network):
    """An ALB: HTTP:80 redirects to HTTPS; HTTPS:443 forwards to web, /api/* to api (rule 10)."""
    ec2, elbv2 = session.client("ec2"), session.client("elbv2")
    lb = elbv2.create_load_balancer(
        Name="web", Subnets=list(network["subnets"]["public"].values()),
        SecurityGroups=[network["security_groups"]["alb"]])["LoadBalancers"][0]
    groups = {
        name: elbv2.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=network["vpc_id"],
                                        HealthCheckPath="/health")["TargetGroups"][0]["TargetGroupArn"]
        for name in ("web-tg", "api-tg")
    }
    instances = [i["InstanceId"] for i in ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=2, MaxCount=2,
        SubnetId=network["subnets"]["app"][AZS[0]])["Instances"]]
    for name, instance in zip(groups, instances, strict=True):
        elbv2.register_targets(TargetGroupArn=groups[name], Targets=[{"Id": instance, "Port": 8080}])
    https = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTPS", Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": groups["web-tg"]}])["Listeners"][0]
    to_https = {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}
    http = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "redirect", "RedirectConfig": to_https}])["Listeners"][0]
    elbv2.create_rule(ListenerArn=https["ListenerArn"], Priority=10,
                      Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}],
                      Actions=[{"Type": "forward", "TargetGroupArn": groups["api-tg"]}])
    return {"arn": lb["LoadBalancerArn"], "groups": groups, "instances": instances,
            "https": https["ListenerArn"], "http": http["ListenerArn"]}


def test_load_balancer_diagram_shows_listeners_and_their_default_actions(session, alb):
    picture = draw.load_balancer(session, alb["arn"])
    assert '{{"web<br/>application load balancer"}}' in picture.source
    for listener, label in ((alb["https"], "Listener HTTPS:443"), (alb["http"], "Listener HTTP:80")):
        assert f'{picture.ids[listener]}(["{label}"])' in picture.source
        assert f'{picture.ids[alb["arn"]]} --> {picture.ids[listener]}' in picture.source
    assert edge(picture, alb["https"], alb["groups"]["web-tg"], "default") in picture.source
    redirect = re.search(rf'{picture.ids[alb["http"]]} -->\|"default"\| (n\d+)', picture.source).group(1)
    assert f'{redirect}(["redirect to HTTPS:443 (301)"])' in picture.source


def test_load_balancer_diagram_shows_the_path_rule_forwarding_to_its_target_group(session, alb):
    picture = draw.load_balancer(session, alb["arn"])
    rule = edge(picture, alb["https"], alb["groups"]["api-tg"], "rule 10: path-pattern /api/*")
    assert rule in picture.source


def test_load_balancer_diagram_shows_each_target_inside_its_target_group(session, alb):
    picture = draw.load_balancer(session, alb["arn"])
    lines = [line.strip() for line in picture.source.splitlines()]
    for (name, arn), instance in zip(alb["groups"].items(), alb["instances"], strict=True):
        start = lines.index(f'subgraph {picture.ids[arn]} ["Target group {name}, HTTP:8080"]')
        assert lines[start + 1].endswith(f'["{instance}:8080<br/>healthy (health check /health)"]')
        assert lines[start + 2] == "end"
    assert_valid_mermaid(picture)


# -- bar_chart ------------------------------------------------------------------------------------

def test_bar_chart_is_a_mermaid_xychart_with_quoted_labels_in_order():
    chart = draw.bar_chart({"203.0.113.9": 280, 'say "hi"': 12.5}, "Top sources", "source",
                           "records")
    assert chart.source.splitlines() == [
        "xychart-beta",
        '    title "Top sources"',
        """    x-axis "source" ["203.0.113.9", "say 'hi'"]""",
        '    y-axis "records" 0 --> 309',
        "    bar [280, 12.5]",
    ]
    assert chart._repr_mimebundle_()["text/vnd.mermaid"] == chart.source == str(chart)


def test_bar_chart_reads_a_series_with_integer_labels():
    import pandas as pd

    chart = draw.bar_chart(pd.Series([704, 1_250_000], index=pd.array([22, 3389], dtype="Int64")),
                           "Ports", "port", "records")
    assert '["22", "3389"]' in chart.source and "bar [704, 1250000]" in chart.source


def test_bar_chart_can_lay_bars_sideways_for_long_labels():
    chart = draw.bar_chart({"198.51.100.203": 3}, "t", "x", "y", horizontal=True)
    assert chart.source.splitlines()[0] == "xychart-beta horizontal"
