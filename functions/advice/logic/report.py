"""The partner portal's KPIs, per program and per advisor, computed from requests and sessions."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime

from functions.advice.logic.domain import AdviceRequest, RequestStatus, Session, percentile
from functions.advice.models.api import AdvisorKpis, Kpis, Report

CSV_COLUMNS = (
    "scope",
    "advisor_id",
    "advisor_name",
    "requests",
    "accepted",
    "acceptance_rate",
    "response_ms_median",
    "response_ms_p90",
    "exchange_seconds_median",
    "rating_average",
    "csat",
    "nps",
    "conversions",
    "conversion_rate",
    "revenue_influenced",
)


def kpis(requests: int, sessions: list[Session]) -> Kpis:
    rated = [s.rating for s in sessions if s.rating is not None]
    scores = [r.csat for r in rated]
    nps_answers = [r.nps for r in rated if r.nps is not None]
    converted = [s for s in sessions if s.conversions]
    ended = [s.duration_seconds for s in sessions if s.ended_at is not None]
    response = [s.response_ms for s in sessions]
    return Kpis(
        requests=requests,
        accepted=len(sessions),
        acceptance_rate=_share(len(sessions), requests),
        response_ms_median=percentile(response, 0.5),
        response_ms_p90=percentile(response, 0.9),
        exchange_seconds_median=percentile(ended, 0.5),
        rating_average=round(sum(scores) / len(scores), 2) if scores else None,
        csat=_share(sum(1 for score in scores if score >= 4), len(scores)),
        nps=(
            round(
                100
                * (sum(1 for n in nps_answers if n >= 9) - sum(1 for n in nps_answers if n <= 6))
                / len(nps_answers),
                1,
            )
            if nps_answers
            else None
        ),
        conversions=sum(s.conversions for s in sessions),
        conversion_rate=_share(len(converted), len(sessions)),
        revenue_influenced=sum(s.revenue for s in sessions),
        feedback=[r.feedback for r in rated if r.feedback],
    )


def net_promoter_score(answers: list[int]) -> float | None:
    """Promoters (9-10) minus detractors (0-6), in percent of the answers."""
    if not answers:
        return None
    promoters = sum(1 for n in answers if n >= 9)
    detractors = sum(1 for n in answers if n <= 6)
    return round(100 * (promoters - detractors) / len(answers), 1)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def build_report(
    program_id: str, start: datetime, end: datetime, requests: list[AdviceRequest], sessions: list[Session]
) -> Report:
    """`requests` created and `sessions` requested in [start, end). An advisor's requests are those
    offered to them."""
    offered: dict[str, int] = defaultdict(int)
    for request in requests:
        for advisor_id in set(request.offered):
            offered[advisor_id] += 1
    by_advisor: dict[str, list[Session]] = defaultdict(list)
    for session in sessions:
        by_advisor[session.advisor_id].append(session)
    advisors = []
    for advisor_id in sorted(set(offered) | set(by_advisor)):
        mine = by_advisor.get(advisor_id, [])
        name = mine[0].advisor_name if mine else advisor_id
        numbers = kpis(max(offered.get(advisor_id, 0), len(mine)), mine)
        advisors.append(AdvisorKpis(advisor_id=advisor_id, advisor_name=name, **numbers.model_dump()))
    matched = sum(1 for r in requests if r.status is RequestStatus.MATCHED)
    program = kpis(max(len(requests), matched), sessions)
    return Report(program_id=program_id, start=start, end=end, program=program, advisors=advisors)


def report_csv(report: Report) -> str:
    """One row for the program and one per advisor; the feedback texts stay in the JSON report."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows: list[tuple[str, str, str, Kpis]] = [("program", "", "", report.program)]
    rows += [("advisor", a.advisor_id, a.advisor_name, a) for a in report.advisors]
    for scope, advisor_id, name, numbers in rows:
        values = numbers.model_dump()
        writer.writerow([scope, advisor_id, name, *("" if values[c] is None else values[c] for c in CSV_COLUMNS[3:])])
    return out.getvalue()
