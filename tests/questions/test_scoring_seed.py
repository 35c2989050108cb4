"""Coverage scoring on the real AWS bank (fixtures/aws.json).

The talking points are read from the fixture, so these tests follow the data: a strong
answer (written here in a candidate's own words, not taken from the model answer) must
score clearly above a weak one, and every model answer must cover most of its own
talking points, which checks the scorer and the curation together. Answers are scored
as the app scores them, with the question's prompt, whose words earn nothing: the prompt
itself must score next to nothing, and no curated phrase may be made only of words the
prompt already says.

Every change to the curated points since they were first curated is recorded with its
reason in fixtures/curation/aws_point_changes.json; the last test checks that record.
"""

import functools
import hashlib
import json
from pathlib import Path

import pytest

from questions.language import NEGATIONS, STOP_WORDS, stem, words
from questions.scoring import score_answer
from questions.talking_points import derive_points

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "aws.json"
CURATION = ROOT / "fixtures" / "curation" / "aws.json"
POINT_CHANGES = ROOT / "fixtures" / "curation" / "aws_point_changes.json"


@functools.cache
def bank_questions() -> dict[str, dict]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return {question["slug"]: question for question in data["questions"]}


# slug -> (strong answer, weak answer)
PAIRS = {
    "ec2-vs-lambda": (
        "EC2 gives you virtual machines: you provision the instances yourself, pick the OS "
        "and the size, and you have full control of the server, but patching and capacity "
        "are your job. You are billed per second while an instance runs, busy or not, and "
        "you scale it with an Auto Scaling group. Lambda is serverless: you upload a "
        "function, AWS runs it when something calls it and scales automatically with each "
        "request, and you pay per request plus the duration of each invocation. The "
        "catches are cold starts, which add latency to the first call, and the 15-minute "
        "limit. So Lambda fits event-driven, short-lived work such as an S3 upload trigger "
        "or an API backend, while EC2 suits long-running services, steady traffic, or "
        "software that needs a custom OS.",
        "EC2 is a server in the cloud and Lambda is for running code. Lambda is cheaper "
        "and newer, so I would use Lambda for most things and EC2 when I need a server. "
        "Both are compute services from Amazon.",
    ),
    "rds-read-replicas": (
        "A read replica is a read-only copy of an RDS instance that RDS keeps up to date "
        "with asynchronous replication from the primary. You point reporting queries and "
        "other read-heavy traffic at the replicas, which takes load off the primary, and "
        "you can add several of them to scale reads out. Because the copy is asynchronous "
        "there is some replica lag, so the application has to tolerate slightly stale "
        "reads. You can place a replica in another region to serve users closer to it or "
        "for disaster recovery, and promote it to a standalone database if the primary "
        "region fails. It is not the same as Multi-AZ, which keeps a synchronous standby "
        "for failover and serves no reads.",
        "Read replicas are extra copies of the database. They make the database faster "
        "because there are more servers. You create them in the console and the "
        "application uses them.",
    ),
    "security-groups-vs-nacls": (
        "Security groups attach to an instance, strictly to its network interface, so "
        "they work at the instance level. They are stateful: if inbound traffic is "
        "allowed, the response goes back out automatically. You can only write allow "
        "rules, and every rule is evaluated before a decision. Network ACLs work at the "
        "subnet level and are stateless, so return traffic needs its own rule, usually "
        "for the ephemeral ports. They support both allow and deny, which makes them "
        "handy for blocking an IP range, and their rules are numbered and evaluated from "
        "the lowest number up, stopping at the first match. In practice you use both, "
        "for defense in depth.",
        "Both are firewalls in AWS. Security groups protect servers and NACLs protect the "
        "network. You should configure them carefully so only the right traffic gets in.",
    ),
    "rds-multi-az-vs-read-replicas": (
        "Multi-AZ is for high availability: RDS keeps a standby in a different "
        "Availability Zone and copies every write to it synchronously. You cannot read "
        "from the standby; if the primary fails, RDS performs an automatic failover by "
        "repointing the DNS name, usually within a minute or two. Read replicas are about "
        "performance: they are read-only copies fed by asynchronous replication, so they "
        "can lag a little, and they let you scale reads for reporting or read-heavy apps. "
        "A replica can live in a different region and be promoted for disaster recovery, "
        "but that promotion is manual. Many production databases use both.",
        "Multi-AZ means the database is in many zones and read replicas are copies for "
        "reading. Both make the database better. I would enable both to be safe.",
    ),
    "auto-scaling-components": (
        "The core is the Auto Scaling group: a set of EC2 instances with a minimum, a "
        "maximum and a desired count. New instances come from a launch template that "
        "fixes the AMI, instance type and security groups. Dynamic scaling policies "
        "change the desired capacity: target tracking keeps a metric such as average CPU "
        "near a target value, and step scaling adds or removes instances in steps as an "
        "alarm is breached. Scheduled actions handle known peaks, and predictive scaling "
        "forecasts daily patterns. The group also runs health checks and replaces "
        "unhealthy instances, and registers them with a load balancer, so traffic "
        "follows as it scales out and in.",
        "Auto Scaling adds servers when there is more traffic and removes them when it "
        "goes down. It saves money and you set it up in the console.",
    ),
    "lambda-cold-start-reduction": (
        "First measure: the Init Duration in the logs shows how long cold starts take. "
        "Then trim the deployment package: drop unused dependencies and bundle the code, "
        "and on Node use the modular AWS SDK v3 so only the clients you need get loaded. "
        "Lighter runtimes like Python or Node.js start faster than Java, and for Java you "
        "can turn on SnapStart. Giving the function more memory also gives it more CPU, "
        "which shortens initialisation. For latency-critical paths, provisioned "
        "concurrency keeps environments initialised ahead of time; a scheduled ping to "
        "keep functions warm is a cheaper but weaker trick.",
        "Cold starts happen when Lambda has not run for a while. You can make the code "
        "faster and choose a faster language. Usually it is not a big problem.",
    ),
    "externalize-session-state": (
        "The fix is to make the web tier stateless by moving sessions out of instance "
        "memory into a shared store. ElastiCache for Redis is my default: sub-millisecond "
        "reads, a TTL on each key so idle sessions expire, and a replica in another zone "
        "with automatic failover. If I want no servers at all, DynamoDB works well as a "
        "session table, with a TTL too, and Global Tables if users roam between regions. "
        "Once no instance holds state, I drop sticky sessions on the Application Load "
        "Balancer and put the instances in an Auto Scaling group across zones, so the "
        "tier can scale out and in freely and losing an instance logs nobody out.",
        "I would store the sessions in a database instead of on the server, and add more "
        "EC2 instances behind a load balancer. Then make sure it is monitored.",
    ),
    "disaster-recovery-rpo-rto": (
        "I start from the business numbers: how much data we can lose, the RPO, and how "
        "long we can be down, the RTO. Those pick the pattern. Backup and restore, with "
        "AWS Backup copying snapshots to a second region, is cheapest but takes hours. A "
        "pilot light keeps the database replicated in the recovery region, with the rest "
        "defined in CloudFormation so it can be launched on demand. Warm standby runs a "
        "scaled-down copy that we scale up during an incident, and multi-site "
        "active-active gives near-zero RTO at twice the cost. Data moves with cross-region "
        "replication: Aurora Global Database, S3 CRR, DynamoDB Global Tables. Route 53 "
        "health checks and failover routing switch the traffic. And we rehearse it all "
        "with game days, because an untested plan does not work.",
        "Disaster recovery means having backups. I would back up the database every night "
        "and keep copies, and if something goes wrong we restore from the backup. We "
        "should also document it.",
    ),
    "iam-least-privilege-at-scale": (
        "Start from least privilege and never attach policies to individual users: people "
        "get permissions through IAM roles assumed via SSO, and each workload gets its own "
        "role. Write customer managed policies that name specific resource ARNs rather "
        "than wildcards, and add condition keys, for example requiring MFA or a source "
        "VPC. At scale tags help: attribute-based access control lets one policy cover "
        "every project by matching the principal's tag to the resource's. All policies "
        "live in Terraform and are reviewed in pull requests. Then prune: IAM Access "
        "Advisor shows last accessed data so unused permissions can go, and Access "
        "Analyzer flags resources shared outside the account.",
        "I would give people only the permissions they need and review them sometimes. "
        "Admins get admin access and developers get developer access. Policies are "
        "written in JSON.",
    ),
    "s3-client-side-encryption-kms": (
        "I'd use envelope encryption. For each file the client calls KMS GenerateDataKey "
        "and gets back a data key twice: once in plaintext and once encrypted under my KMS "
        "key. The client encrypts the file locally with AES-256 in GCM mode using the "
        "plaintext key, wipes that key from memory, uploads the ciphertext, and stores "
        "the encrypted data key in the object's metadata. Large files are encrypted as a "
        "stream and sent with multipart upload. To read, the client downloads the object, "
        "sends the encrypted key to KMS Decrypt and decrypts locally. The S3 Encryption "
        "Client library does all of this for you.",
        "Encrypt the file with a password before uploading and keep the password "
        "somewhere safe. S3 also encrypts files by itself so it is secure.",
    ),
    "sqs-throughput-deduplication": (
        "Standard queues deliver at least once, so duplicates are expected and consumers "
        "must be idempotent. I'd record processed message IDs in a DynamoDB table with a "
        "conditional write and a TTL, and skip anything already seen. For throughput: "
        "turn on long polling, receive in batches of ten, process concurrently, and set "
        "the visibility timeout above the worst-case processing time so messages do not "
        "reappear while still being worked on, a common source of duplicates. Failures "
        "are retried; after a maxReceiveCount of, say, five, the redrive policy moves the "
        "message to a dead-letter queue with an alarm on it. I'd scale consumers on queue "
        "depth and alarm on the age of the oldest message. Any flow that truly needs "
        "exactly-once ordering moves to a FIFO queue.",
        "SQS sometimes sends messages twice. I would add more consumers so it is faster, "
        "and ask the team to check for duplicates in the database afterwards.",
    ),
    "eks-autoscaling-cost-observability": (
        "Two layers of scaling. Pods: the Horizontal Pod Autoscaler on CPU or custom "
        "metrics, and the Vertical Pod Autoscaler in recommendation mode to right-size "
        "requests. Nodes: I'd replace the Cluster Autoscaler with Karpenter, which picks "
        "instance types to fit pending pods and consolidates underused nodes; let it use "
        "Spot for stateless workloads with On-Demand for the rest, and run small bursty "
        "jobs on Fargate. For visibility, enable Container Insights, scrape metrics into "
        "Amazon Managed Prometheus with Grafana dashboards, and instrument services with "
        "OpenTelemetry so traces reach X-Ray. Cost allocation tags then show which team "
        "spends what.",
        "Kubernetes scales automatically, so I would make sure the cluster is big enough "
        "and use the AWS console to watch it. To save money, use smaller instances.",
    ),
}


@pytest.mark.parametrize("slug", sorted(PAIRS))
def test_a_strong_answer_scores_clearly_above_a_weak_one(slug):
    question = bank_questions()[slug]
    strong, weak = (
        score_answer(answer, question["talking_points"], prompt=question["prompt"])
        for answer in PAIRS[slug]
    )
    assert strong.score >= 60, strong.missed
    assert weak.score <= 30, weak.covered
    assert strong.score - weak.score >= 40


def test_the_pairs_cover_both_levels_of_the_bank():
    levels = [bank_questions()[slug]["level"] for slug in PAIRS]
    assert levels.count("junior") >= 4
    assert levels.count("senior") >= 4


@pytest.mark.parametrize("slug", sorted(bank_questions()))
def test_a_model_answer_covers_most_of_its_own_talking_points(slug):
    question = bank_questions()[slug]
    coverage = score_answer(
        question["answer"], question["talking_points"], prompt=question["prompt"]
    )
    assert coverage.score >= 80, coverage.missed


@pytest.mark.parametrize("slug", sorted(bank_questions()))
def test_restating_the_prompt_scores_at_most_ten(slug):
    question = bank_questions()[slug]
    for points in (
        question["talking_points"],
        derive_points(question["answer"], question["prompt"]),
    ):
        coverage = score_answer(question["prompt"], points, prompt=question["prompt"])
        assert coverage.score <= 10, coverage.covered


# Names every answer says: a phrase left with only these beyond the prompt names nothing.
VENDOR_WORDS = {"aws", "amazon"}


def words_beyond(phrase: str, prompt: str) -> list[str]:
    """The words of a phrase that the scorer can credit (questions/scoring.py): not
    function words, not negations, not words the prompt says (compared by stem)."""
    prompt_stems = {stem(word) for word in words(prompt)}
    return [
        word
        for word in words(phrase)
        if word not in STOP_WORDS and word not in NEGATIONS and stem(word) not in prompt_stems
    ]


def test_the_phrase_check_reads_the_prompt_as_the_scorer_does():
    prompt = "How would you enforce least privilege and use IAM roles for cross-account access?"
    assert words_beyond("principle of least privilege", prompt) == ["principle"]
    assert words_beyond("least privilege", prompt) == []
    assert words_beyond("cross-account role", prompt) == []
    assert words_beyond("Roles in the target account", prompt) == ["target"]
    question = {"term": "least privilege", "synonyms": []}
    assert score_answer(prompt, [question], prompt=prompt).score == 0


def test_no_curated_phrase_is_given_away_by_its_prompt():
    # Every term and synonym keeps a word the prompt does not say (and not only "AWS"),
    # so each talking point names something a good answer adds to the question.
    given_away = [
        (question["number"], point["term"], phrase)
        for question in bank_questions().values()
        for point in question["talking_points"]
        for phrase in [point["term"], *point["synonyms"]]
        if not set(words_beyond(phrase, question["prompt"])) - VENDOR_WORDS
    ]
    assert given_away == []


def point_digest(points: list[dict]) -> str:
    """A question's talking points, in any order, as a short digest."""
    lines = sorted(
        json.dumps([point["term"], sorted(point["synonyms"])], ensure_ascii=False)
        for point in points
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def test_every_change_to_the_curated_points_is_recorded_with_its_reason():
    record = json.loads(POINT_CHANGES.read_text(encoding="utf-8"))
    curation = json.loads(CURATION.read_text(encoding="utf-8"))["questions"]
    assert set(record["baseline"]) == set(curation)
    points = {number: list(entry["talking_points"]) for number, entry in curation.items()}
    for change in reversed(record["changes"]):
        where = (change["question"], (change["new"] or change["old"])["term"])
        assert change["reason"].strip(), where
        assert change["old"] != change["new"], where
        assert curation[str(change["question"])]["slug"] == change["slug"], where
        current = points[str(change["question"])]
        if change["new"] is not None:
            assert change["new"] in current, where
            current.remove(change["new"])
        if change["old"] is not None:
            current.append(change["old"])
    # Undoing every recorded change, last first, gives back the points as first curated;
    # a point changed without an entry in the record would not come back.
    unrecorded = [
        number
        for number, first_curated in record["baseline"].items()
        if point_digest(points[number]) != first_curated
    ]
    assert unrecorded == []
