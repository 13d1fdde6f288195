"""Nothing the portal serves runs in a reader's browser: headless Chromium over the real Datasette.

The archive is written by a real crawl of the stand-in's ``hostile`` pages (``hostile_crawl`` in
conftest.py), whose payloads all set ``document.title`` to ``PWNED-…`` (``standin/hostile.py``).
Datasette serves it with the project's metadata, templates and plugin; Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by selenium) opens the article page, the table page and both searches and
clicks every link of the article page (its collapsed "as published" section opened too) and of the
table's rows: the title never changes to ``PWNED``, no dialog opens. Skipped only when Chromium or its
driver is not installed (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote_plus

import pytest

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="needs Chromium and its driver: apt-get install chromium chromium-driver")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def datasette_url(hostile_crawl):
    db = hostile_crawl[1]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "-m", str(ROOT / "metadata.yml"), "--template-dir",
         str(ROOT / "templates"), "--plugins-dir", str(ROOT / "plugins"), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/monre", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("datasette did not start: " + server.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                # nothing leaves the machine: every host but 127.0.0.1 fails to resolve at once
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.page_load_strategy = "eager"
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def no_script_ran(driver, expected_title: str | None = None):
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        pytest.fail(f"a dialog opened: {text!r}")
    except NoAlertPresentException:
        pass
    title = driver.title
    assert "PWNED" not in title, (driver.current_url, title)
    # a javascript: URL that evaluates to a string replaces the document with it
    assert "PWNED" not in driver.page_source, driver.current_url
    if expected_title is not None:
        assert title == expected_title, driver.current_url


def click_every_link(driver, url: str, scope: str = "a[href]") -> int:
    """Open ``url``, then for every distinct link in ``scope``: open ``url`` again, click it, check."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    title = driver.title
    no_script_ran(driver, title)
    hrefs = []
    for link in driver.find_elements(By.CSS_SELECTOR, scope):
        href = link.get_attribute("href")
        if href not in hrefs:
            hrefs.append(href)
    for index, href in enumerate(hrefs):
        driver.get(url)
        links = [a for a in driver.find_elements(By.CSS_SELECTOR, scope) if a.get_attribute("href") == href]
        if not links:
            continue
        driver.execute_script("arguments[0].removeAttribute('target'); arguments[0].scrollIntoView();", links[0])
        driver.execute_script("arguments[0].click();", links[0])
        time.sleep(0.05)
        no_script_ran(driver)
        if driver.current_url.split("#")[0] == url.split("#")[0]:  # stayed on the page: same title
            no_script_ran(driver, title)
    return len(hrefs)


def xss_article_id(db) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select id from articles where url like '%hostile-xss%'").fetchone()[0]
    finally:
        conn.close()


def test_the_check_can_fail(browser, datasette_url):
    """A javascript: link clicked in this browser does change the title: the checks below can see it."""
    browser.get(datasette_url + "/monre")
    browser.execute_script("""const a = document.createElement('a'); a.id = 'control';
        a.href = "javascript:void(document.title='PWNED-control')"; a.textContent = 'x'; document.body.append(a);
        a.click();""")
    time.sleep(0.1)
    assert browser.title == "PWNED-control"


def test_article_page_runs_no_script_whatever_is_clicked(browser, datasette_url, hostile_crawl):
    aid = xss_article_id(hostile_crawl[1])
    url = f"{datasette_url}/monre/articles/{aid}"
    clicked = click_every_link(browser, url)
    assert clicked >= 5  # categories, the original, the safe image and attachments, the renderers…
    from selenium.webdriver.common.by import By

    browser.get(url)
    shown = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "article a[href]")}
    assert any(h.endswith("/Documents/hostile/an-toan.pdf") for h in shown)
    assert not [h for h in shown if not h.startswith(("http://", "https://"))]


def test_published_body_section_opens_and_runs_no_script(browser, datasette_url, hostile_crawl):
    """The collapsed "as published" section (body_html, sanitised again by the plugin): opened by a real
    click on its summary, then every link in it clicked (click_every_link above clicks them too, hidden)."""
    from selenium.webdriver.common.by import By

    url = f"{datasette_url}/monre/articles/{xss_article_id(hostile_crawl[1])}"
    browser.get(url)
    title = browser.title
    section = browser.find_element(By.CSS_SELECTOR, "details.monre-published")
    assert section.get_attribute("open") is None
    section.find_element(By.TAG_NAME, "summary").click()
    time.sleep(0.1)
    assert section.get_attribute("open") is not None
    no_script_ran(browser, title)
    body = section.find_element(By.CSS_SELECTOR, ".monre-published-body")
    assert "Hội nghị đã thảo luận" in body.text
    hrefs = [a.get_attribute("href") for a in body.find_elements(By.CSS_SELECTOR, "a[href]")]
    assert any(h.endswith("/Documents/hostile/an-toan.pdf") for h in hrefs)
    assert not [h for h in hrefs if not h.startswith(("http://", "https://"))]
    assert click_every_link(browser, url, "details.monre-published a[href]") == len(set(hrefs))


def test_table_page_runs_no_script_whatever_is_clicked(browser, datasette_url):
    # the rows of the hostile articles (every page of the table would take minutes: one reload per link)
    clicked = click_every_link(browser, f"{datasette_url}/monre/articles?url__contains=hostile",
                               "table.rows-and-columns td a[href]")
    assert clicked >= 5


@pytest.mark.parametrize("path", ["/monre/articles?_search=", "/monre/search?q="], ids=["search box", "canned"])
def test_search_pages_run_no_script_whatever_is_clicked(browser, datasette_url, path):
    url = datasette_url + path + quote_plus("mã độc")
    assert click_every_link(browser, url, "table.rows-and-columns td a[href]") >= 1  # the hostile article's link
    browser.get(url)
    assert "Bài viết mang mã độc" in browser.page_source


def test_markup_typed_into_the_search_box_runs_no_script(browser, datasette_url):
    browser.get(f"{datasette_url}/monre/articles?_search={quote_plus('<img src=x onerror=document.title=1>')}")
    no_script_ran(browser)
    assert browser.title != "1"
