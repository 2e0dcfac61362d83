package dev.switchboard.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The presence page at {@code /} as a user drives it: real clicks and typing, and reads of what
 * is on screen (text, data attributes, computed colours).
 */
final class PresencePage {

    static final Duration WAIT = Duration.ofSeconds(15);

    final Browser browser;
    final WebDriver driver;

    PresencePage(Browser browser) {
        this.browser = browser;
        this.driver = browser.driver;
    }

    /** Opens the page, signs in through the form and waits until the connection is live. */
    static PresencePage signIn(Browser browser, URI base, String email, String password) {
        PresencePage page = new PresencePage(browser);
        page.driver.get(base.toString());
        WebElement emailField = page.waitFor(By.id("email"));
        page.until(d -> emailField.isDisplayed());
        emailField.clear();
        emailField.sendKeys(email);
        page.driver.findElement(By.id("password")).sendKeys(password);
        page.driver.findElement(By.id("sign-in-button")).click();
        page.until(d -> "open".equals(page.connectionState()));
        return page;
    }

    // --- waiting ------------------------------------------------------------------------------

    <T> T until(java.util.function.Function<WebDriver, T> condition) {
        return until(WAIT, condition);
    }

    <T> T until(Duration timeout, java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    WebElement waitFor(By by) {
        return until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    // --- connection ---------------------------------------------------------------------------

    String connectionState() {
        return driver.findElement(By.id("connection")).getAttribute("data-state");
    }

    String connectionText() {
        return driver.findElement(By.id("connection-text")).getText();
    }

    // --- colleagues ---------------------------------------------------------------------------

    /** The colleague's row, or null when it is not shown. */
    WebElement row(UUID userId) {
        List<WebElement> rows = driver.findElements(By.cssSelector("#colleague-rows tr[data-user-id='" + userId + "']"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * What the row's status shows: tone, label and the computed colours; null when not shown. Read
     * in one script, since the list re-renders whenever presence changes.
     */
    @SuppressWarnings("unchecked")
    Pill pill(UUID userId) {
        Map<String, String> read = (Map<String, String>) js("""
                const pill = document.querySelector(`#colleague-rows tr[data-user-id='${arguments[0]}'] .presence`);
                if (!pill) return null;
                const style = getComputedStyle(pill);
                return { tone: pill.dataset.tone, label: pill.querySelector('.presence-label').textContent,
                         dot: getComputedStyle(pill.querySelector('.presence-dot')).backgroundColor,
                         border: style.borderTopColor, background: style.backgroundColor };
                """, userId.toString());
        return read == null ? null
                : new Pill(read.get("tone"), read.get("label"), rgba(read.get("dot")), rgba(read.get("border")),
                        rgba(read.get("background")));
    }

    /** Computed colours come as rgb(…); Selenium's getCssValue says rgba(…, 1): use one spelling. */
    private static String rgba(String colour) {
        return colour.startsWith("rgb(") ? "rgba(" + colour.substring(4, colour.length() - 1) + ", 1)" : colour;
    }

    record Pill(String tone, String label, String dotColour, String borderColour, String background) {
    }

    /** The names shown in the colleague list, top to bottom. */
    @SuppressWarnings("unchecked")
    List<String> names() {
        return (List<String>) js("return [...document.querySelectorAll('#colleague-rows .person-name')].map(e => e.textContent)");
    }

    // --- you ----------------------------------------------------------------------------------

    void chooseStatus(String wire) {
        driver.findElement(By.cssSelector("#status-choice input[value='" + wire + "']")).click();
    }

    String checkedStatus() {
        return driver.findElement(By.cssSelector("#status-choice input:checked")).getAttribute("value");
    }

    /** Your own presence as colleagues see it (the pill in "Colleagues see you as"). */
    String myPresenceLabel() {
        return driver.findElement(By.cssSelector("#me-presence .presence-label")).getText();
    }

    /** The line under it that says what is scheduled next, or which window holds now; null when hidden. */
    String scheduledLine() {
        return (String) js("const line = document.getElementById('me-scheduled'); return line.hidden ? null : line.textContent;");
    }

    Select destination() {
        return new Select(driver.findElement(By.id("destination")));
    }

    void chooseDestination(String type, Object id) {
        destination().selectByValue(type + ":" + id);
    }

    String reachabilityLevel() {
        return driver.findElement(By.id("reachability")).getAttribute("data-level");
    }

    String reachabilityText() {
        return driver.findElement(By.id("reachability")).getText();
    }

    /** The ring groups card's text (empty while the org has no groups: the card is hidden). */
    String groupsText() {
        return driver.findElement(By.id("groups-card")).getText();
    }

    WebElement webphoneCheckbox() {
        return driver.findElement(By.id("use-webphone"));
    }
}
