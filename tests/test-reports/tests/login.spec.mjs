// Four outcomes the importer must tell apart: a pass, a failure (tagged critical), a test that
// passes only on its retry (flaky) and a skipped one. The page is set inline: no server.
import { expect, test } from '@playwright/test';

const LOGIN = '<form><h1>Sign in</h1><input name="user"><button>Log in</button><p id="err"></p></form>';

test.describe('login', () => {
  test('shows the form @critical', async ({ page }) => {
    await page.setContent(LOGIN);
    await expect(page.getByRole('heading')).toHaveText('Sign in');
  });

  test('rejects a wrong password @critical', async ({ page }) => {
    await page.setContent(LOGIN);
    await expect(page.locator('#err'), 'Wrong password is explained').toHaveText('Wrong password', {
      timeout: 500,
    });
  });

  test('remembers me', async ({ page }, info) => {
    await page.setContent(LOGIN);
    expect(info.retry, 'passes on its retry').toBeGreaterThan(0);
  });

  test.skip('exports the list', async () => {});
});
