"""What names a cited source as a paper: DOIs, PubMed and PMC ids, arXiv ids and preprint
servers, read from addresses, reference entries and pages."""

from __future__ import annotations

import pytest

from pipeline.extract.identifiers import (
    identifiers_in_address,
    identifiers_in_text,
    identify_source,
)
from pipeline.records import Identifiers


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://doi.org/10.1080/0092623X.2024.2381190", "10.1080/0092623X.2024.2381190"),
        ("https://dx.doi.org/10.1093/ajcn/nqaa123", "10.1093/ajcn/nqaa123"),
        ("https://www.tandfonline.com/doi/full/10.1080/14622200.2023.1111", "10.1080/14622200.2023.1111"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/14651858.CD012345.pub2/abstract", "10.1002/14651858.CD012345.pub2"),
        ("https://onlinelibrary.wiley.com/doi/epdf/10.1111/jhn.13000", "10.1111/jhn.13000"),
        ("https://www.nejm.org/doi/full/10.1056/NEJMoa2034577", "10.1056/NEJMoa2034577"),
        ("https://journals.example.org/article?doi=10.3390%2Fnu15010001&lang=en", "10.3390/nu15010001"),
        ("https://www.medrxiv.org/content/10.1101/2021.05.06.21256789v2.full.pdf", "10.1101/2021.05.06.21256789"),
        # Served from a test or intranet server, the site's path keeps its DOI.
        ("http://127.0.0.1:8080/www.bmj.example/content/10.1136/bmj-2023-076000", "10.1136/bmj-2023-076000"),
        # No DOI in these addresses: a publisher's own article number is not one.
        ("https://www.sciencedirect.com/science/article/pii/S0140673620301835", ""),
        ("https://academic.oup.com/ajcn/article/112/3/456/5876543", ""),
        ("https://jamanetwork.com/journals/jama/fullarticle/2765524", ""),
    ],
)
def test_dois_in_addresses_without_the_publishers_view_suffixes(url: str, doi: str) -> None:
    assert identifiers_in_address(url).doi == doi


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://pubmed.ncbi.nlm.nih.gov/31234567/", Identifiers(pmid="31234567")),
        ("https://www.ncbi.nlm.nih.gov/pubmed/12345", Identifiers(pmid="12345")),
        ("https://europepmc.org/article/MED/30000001", Identifiers(pmid="30000001")),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6543210/", Identifiers(pmcid="PMC6543210")),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC7000001/", Identifiers(pmcid="PMC7000001")),
        ("https://europepmc.org/article/PMC/PMC5000002", Identifiers(pmcid="PMC5000002")),
        # An archived link carries the original address in its path.
        ("https://web.archive.org/web/2021/https://pubmed.ncbi.nlm.nih.gov/22222222/", Identifiers(pmid="22222222")),
        (
            "https://arxiv.org/abs/2101.01234v3",
            Identifiers(doi="10.48550/arXiv.2101.01234", arxiv="2101.01234", preprint="arxiv"),
        ),
        (
            "https://www.biorxiv.org/content/10.1101/2020.03.04.123456v1",
            Identifiers(doi="10.1101/2020.03.04.123456", preprint="biorxiv"),
        ),
        ("https://www.healthline.com/health/healthy-sex", Identifiers()),
    ],
)
def test_database_records_and_preprints_in_addresses(url: str, expected: Identifiers) -> None:
    assert identifiers_in_address(url) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "Hale R, Mbeki T. Night shifts and appetite. Lancet. 2020;395:11-19. doi:10.1016/S0140-6736(20)30183-5. "
            "PMID: 31986264; PMCID: PMC7159299.",
            Identifiers(doi="10.1016/S0140-6736(20)30183-5", pmid="31986264", pmcid="PMC7159299"),
        ),
        ("Osei K. Sleep and mood. Sleep Med. 2022. https://doi.org/10.1016/j.sleep.2022.01.001.", Identifiers(doi="10.1016/j.sleep.2022.01.001")),
        ("Varga L. Screen time in toddlers. medRxiv 2021. DOI 10.1101/2021.02.03.21251111", Identifiers(doi="10.1101/2021.02.03.21251111", preprint="medrxiv")),
        ("Ito M. Attention models. arXiv:2203.04567v2 [cs.LG]", Identifiers(doi="10.48550/arXiv.2203.04567", arxiv="2203.04567", preprint="arxiv")),
        # Cold Spring Harbor's journals share bioRxiv's prefix; their DOIs are no preprints.
        ("Genome Res. 2019. doi:10.1101/gr.245001.118", Identifiers(doi="10.1101/gr.245001.118")),
        ("Walking for health. NHS. 2024.", Identifiers()),
    ],
)
def test_identifiers_written_in_reference_entries(entry: str, expected: Identifiers) -> None:
    assert identifiers_in_text(entry) == expected


def test_the_address_wins_then_the_entry_then_the_page() -> None:
    found = identify_source(
        "https://www.nejm.org/doi/full/10.1056/NEJMoa2000001",
        "Doe J. A trial. N Engl J Med. 2020. doi:10.1056/NEJMoa9999999. PMID: 32000001",
        Identifiers(doi="10.1056/page-doi", pmid="99999999", pmcid="PMC1000001"),
    )
    assert found == Identifiers(doi="10.1056/NEJMoa2000001", pmid="32000001", pmcid="PMC1000001")
    assert not identify_source("https://www.example-clinic.org/advice", "Advice on walking. Example Clinic.")
