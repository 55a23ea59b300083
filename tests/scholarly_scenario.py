"""An article citing ten sources on loopback, eight of which cannot be read from their pages,
with every scholarly service stood in for (tests/scholarly_standins.py). Shared by
bench/scholarly_sources.py (timed, as a child process) and tests/fetch/test_scholarly_scenario.py.

    [1] a publisher page answering 403, DOI in its address     Europe PMC: open-access full text
    [2] a publisher's bot check ("Just a moment..."), DOI      PubMed abstract, then Unpaywall's copy
    [3] a publisher page answering 403, DOI in the entry only  Crossref's deposited abstract
    [4] a "verify you are human" page, DOI in the entry        OpenAlex's abstract
    [5] a dead link (404)                                       the Wayback Machine's capture
    [6] a dead link (410), captured three times                the capture closest before the article's date
    [7] a PubMed record (PMID in its address)                  Europe PMC (after a 429 + Retry-After)
    [8] a PubMed record Europe PMC does not know               PubMed abstract (E-utilities)
    [9], [10] ordinary pages                                    the pages themselves

The studies, journals, people, sites and numbers are invented; every sentence was written for
this scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from loopback import LoopbackServer, Reply
from scholarly_standins import Paper, StandIns

# The article's dateline: archived copies of its dead links are taken from before this date.
PUBLISHED = "2024-02-10"
PUBLISHED_LINE = "10 February 2024"

# What the report must say of each source: read_from.kind and read_from.service.
EXPECTED = {
    "1": ("full_text", "europepmc"),
    "2": ("open_access_copy", "unpaywall"),
    "3": ("abstract", "crossref"),
    "4": ("abstract", "openalex"),
    "5": ("archived_copy", "wayback"),
    "6": ("archived_copy", "wayback"),
    "7": ("abstract", "europepmc"),
    "8": ("abstract", "ncbi_eutils"),
    "9": ("page", ""),
    "10": ("page", ""),
}

_DOIS = {
    "1": "10.5555/jic.2023.0412",
    "2": "10.5555/invnut.2022.118",
    "3": "10.5555/sleepmed.2021.77",
    "4": "10.5555/jamr.2024.3301",
    "7": "10.5555/ageing.2020.55",
    "8": "10.5555/bonehealth.2019.9",
}

WALK = Paper(
    doi=_DOIS["1"], pmid="36100001", pmcid="PMC9100001", title="Brisk walking and resting blood pressure: a randomised trial",
    journal="Journal of Invented Cardiology",
    abstract=(
        "Background: Few trials have tested short daily walks in adults with raised blood pressure.",
        "Methods: We randomised 240 adults with raised blood pressure to thirty minutes of brisk walking a day or to usual activity for twelve weeks.",
        "Results: Systolic blood pressure fell by 6 mmHg more in the walking group than in the usual-activity group.",
    ),
    full_text=(
        ("Introduction", ("Walking costs nothing and most adults can fit a short walk into their day.",)),
        ("Results", (
            "After twelve weeks, systolic blood pressure had fallen by 6 mmHg more in the walking group than in the usual-activity group.",
            "Diastolic blood pressure did not differ between the groups.",
        )),
        ("Limitations", ("Participants knew which group they were in, and the trial lasted only three months.",)),
    ),
)
FIBRE = Paper(
    doi=_DOIS["2"], pmid="35200002", title="Oat fibre and LDL cholesterol in middle-aged adults",
    journal="Invented Nutrition Reports",
    abstract=("In a six-week crossover trial of 96 middle-aged adults, three grams a day of oat beta-glucan lowered LDL cholesterol by about 5 percent compared with a wheat control.",),
    oa_copy="",  # set to the repository's address when the scenario is served
)
SLEEP = Paper(
    doi=_DOIS["3"], title="Evening screen use and sleep onset in teenagers", journal="Invented Sleep Medicine",
    abstract=(
        "Objective: To relate evening screen use to the time teenagers take to fall asleep.",
        "Results: In a survey of 1,900 teenagers, those who used screens in the hour before bed took longer to fall asleep on average, an association that held after adjusting for age and sex.",
    ),
)
NOISE = Paper(
    doi=_DOIS["4"], title="Road traffic noise and hypertension: a cohort study", journal="Journal of Invented Medical Research",
    abstract=("In a cohort of 12,000 adults followed for eight years, people living with night-time road noise above 55 decibels were more likely to develop high blood pressure than those in quieter homes.",),
    crossref_abstract=False,
)
BALANCE = Paper(
    doi=_DOIS["7"], pmid="32700007", title="Tai chi and falls in adults over seventy", journal="Invented Ageing Studies",
    abstract=("Older adults who practised tai chi twice a week for six months had 30 percent fewer falls than those in a stretching class.",),
)
VITAMIN = Paper(
    doi=_DOIS["8"], pmid="31800008", title="Vitamin K2 supplements and bone density in postmenopausal women",
    journal="Invented Bone Health",
    abstract=("In a two-year trial of 310 postmenopausal women, vitamin K2 supplements did not change bone mineral density at the hip compared with placebo.",),
)

_CLOUDFLARE_STYLE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"><script>window._cf_chl_opt={cvId: '3', cType: 'managed'};</script>
</head><body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">onlinelibrary.example</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<div id="challenge-body-text" class="core-msg spacer">onlinelibrary.example needs to review the security of your connection before proceeding.</div>
</div></div><div class="footer">Ray ID: 7f1e2d3c4b5a6978</div></body></html>"""

_HUMAN_CHECK = b"""<!DOCTYPE html><html><head><title>Are you a robot?</title></head><body>
<main><h1>Please verify you are human</h1>
<p>We noticed unusual traffic from your network. Tick the box below to continue to the article.</p>
<div class="h-captcha" data-sitekey="00000000-0000-0000-0000-000000000000"></div>
<form method="post" action="/verify"><button type="submit">Continue</button></form></main></body></html>"""


def _page(title: str, *paragraphs: str, extra_head: str = "") -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>{extra_head}</head>"
        f"<body><nav><a href=\"/\">Home</a> <a href=\"/topics\">Topics</a></nav><main><article><h1>{title}</h1>"
        f"{body}</article></main><footer>Contact us</footer></body></html>"
    ).encode()


_PUBMED_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} - PubMed</title>
<meta name="citation_title" content="{title}"><meta name="citation_pmid" content="{pmid}"></head>
<body><main><h1 class="heading-title">{title}</h1><div class="abstract"><h2>Abstract</h2><p>{abstract}</p></div>
<div class="similar-articles"><h2>Similar articles</h2><ul>
<li>Daily cold showers cured chronic fatigue in every participant of an uncontrolled pilot.</li>
<li>Coffee drinkers lived ten years longer in a small ecological comparison.</li></ul></div></main></body></html>"""


@dataclass(frozen=True)
class Scenario:
    """The served scenario: the article file, the settings file, and the two servers."""

    article: Path
    config: Path
    web: LoopbackServer
    services: LoopbackServer
    standins: StandIns


def serve_scenario(web: LoopbackServer, services: LoopbackServer, folder: Path) -> Scenario:
    """Serve the ten sources on `web` and the stand-ins on `services`; write the article and
    its settings file into `folder`."""
    standins = StandIns(services)
    url = {
        "1": web.add(f"/www.tandfonline.example/doi/full/{_DOIS['1']}", status=403, body=b"<html><body>Access denied</body></html>"),
        "2": web.add(f"/onlinelibrary.example/doi/{_DOIS['2']}", body=_CLOUDFLARE_STYLE),
        "3": web.add("/www.sciencedirect.example/science/article/pii/S0000000021000773", status=403,
                     body=b"<html><body>Forbidden</body></html>"),
        "4": web.add("/jamanetwork.example/journals/jamr/fullarticle/2813301", body=_HUMAN_CHECK),
        "5": web.add("/www.healthnews.example/2023/saunas-and-sleep", status=404, body=b"<html><body>Not found</body></html>"),
        "6": web.add("/www.heartcharity.example/advice/salt", status=410, body=b"<html><body>Gone</body></html>"),
        "7": web.add(f"/pubmed.ncbi.nlm.nih.gov/{BALANCE.pmid}/", body=_PUBMED_PAGE.format(
            title=BALANCE.title, pmid=BALANCE.pmid, abstract=BALANCE.abstract[0]).encode()),
        "8": web.add(f"/pubmed.ncbi.nlm.nih.gov/{VITAMIN.pmid}/", body=_PUBMED_PAGE.format(
            title=VITAMIN.title, pmid=VITAMIN.pmid, abstract=VITAMIN.abstract[0]).encode()),
        "9": web.add("/www.walkingclub.example/why-walk", body=_page(
            "Why walk after dinner", "Our members walk together after the evening meal three times a week.",
            "A short walk after eating helps many people feel less sluggish in the evening.",
            "Wear shoes with a good grip and carry a light after dark.")),
        "10": web.add("/www.cityhealth.example/hydration", body=_page(
            "Drinking enough water in hot weather",
            "Older adults are more likely to become dehydrated during heatwaves because thirst can lag behind need.",
            "Keep a glass of water within reach and drink before you feel thirsty.")),
    }
    repository = web.add("/repository.example/oat-fibre-accepted-manuscript", body=_page(
        FIBRE.title,
        "We ran a six-week crossover trial in 96 middle-aged adults with mildly raised cholesterol.",
        "Three grams a day of oat beta-glucan lowered LDL cholesterol by about 5 percent compared with the wheat control.",
        "No serious adverse events occurred during either period.",
        extra_head=f'<meta name="citation_title" content="{FIBRE.title}"><meta name="citation_doi" content="{FIBRE.doi}">'))
    standins.add(WALK, {"europepmc", "ncbi_eutils", "crossref", "openalex"})
    standins.add(replace(FIBRE, oa_copy=repository), {"ncbi_eutils", "crossref", "unpaywall"})
    standins.add(SLEEP, {"crossref"})
    standins.add(NOISE, {"crossref", "openalex", "unpaywall"})
    standins.add(BALANCE, {"europepmc"})
    standins.add(VITAMIN, {"ncbi_eutils"})
    standins.archive(url["5"], "20230612081500", _page(
        "Saunas and sleep: what we know",
        "A small Finnish-style survey of 800 regular sauna users found that most said they slept better on sauna days.",
        "The survey could not show whether saunas caused the better sleep."))
    standins.archive(url["6"], "20220301100000", _page(
        "Salt and your heart", "Adults should eat no more than 6 grams of salt a day, about a teaspoon."))
    standins.archive(url["6"], "20240115090000", _page(
        "Salt and your heart",
        "Adults should eat no more than 6 grams of salt a day, about a teaspoon.",
        "Most of the salt we eat is already in bread, cereals and ready meals."))
    # Captured after the article was published, when the page said something else: not the
    # copy the article cited, though nearer to today.
    standins.archive(url["6"], "20250601090000", _page(
        "Salt and your heart: this advice is being reviewed", "We are reviewing this page and will update it soon."))
    # Europe PMC is busy at first: the first request gets "429, try again in 1 s".
    standins.fail("europepmc", [Reply(status=429, content_type="application/json", headers=(("Retry-After", "1"),),
                                      body=b'{"errMsg":"Too many requests"}')])

    claims = [
        ("Thirty minutes of brisk walking a day lowered systolic blood pressure by 6 mmHg in a twelve-week trial of 240 adults", "1"),
        ("Three grams a day of oat beta-glucan lowered LDL cholesterol by about 5 percent in middle-aged adults", "2"),
        ("Teenagers who used screens in the hour before bed took longer to fall asleep", "3"),
        ("Night-time road noise above 55 decibels causes high blood pressure", "4"),
        ("Most regular sauna users say they sleep better on sauna days", "5"),
        ("Adults should eat no more than 6 grams of salt a day", "6"),
        ("Tai chi twice a week cut falls by 30 percent in adults over seventy", "7"),
        ("Vitamin K2 supplements did not change hip bone density in postmenopausal women", "8"),
        ("A short walk after eating helps many people feel less sluggish in the evening", "9"),
        ("Older adults are more likely to become dehydrated during heatwaves", "10"),
    ]
    entries = {
        "1": f"Okafor I, Lindgren T. Brisk walking and resting blood pressure. J Invented Cardiol. 2023. {url['1']}",
        "2": f"Okafor I. Oat fibre and LDL cholesterol. Invented Nutrition Reports. 2022. {url['2']}",
        "3": f"Lindgren T. Evening screen use and sleep onset in teenagers. Invented Sleep Med. 2021. doi:{_DOIS['3']}. {url['3']}",
        "4": f"Okafor I. Road traffic noise and hypertension. J Invented Med Res. 2024. DOI: {_DOIS['4']}. {url['4']}",
        "5": f"Saunas and sleep: what we know. Health News. {url['5']}",
        "6": f"Salt and your heart. Heart Charity. {url['6']}",
        "7": f"Tai chi and falls in adults over seventy. PubMed. {url['7']}",
        "8": f"Vitamin K2 supplements and bone density. PubMed. {url['8']}",
        "9": f"Why walk after dinner. Walking Club. {url['9']}",
        "10": f"Drinking enough water in hot weather. City Health. {url['10']}",
    }
    body = "\n\n".join(f"{text} [{ref}]." for text, ref in claims)
    references = "\n".join(f"{ref}. {entry}" for ref, entry in entries.items())
    article = folder / "everyday-habits.md"
    article.write_text(
        "# Everyday habits and your health: what the research says\n\n"
        f"_Published {PUBLISHED_LINE} by the health desk._\n\n"
        f"## The findings\n\n{body}\n\n## References\n\n{references}\n",
        encoding="utf-8",
    )
    config = folder / "scholarly.toml"
    config.write_text(standins.settings_toml(), encoding="utf-8")
    return Scenario(article=article, config=config, web=web, services=services, standins=standins)
