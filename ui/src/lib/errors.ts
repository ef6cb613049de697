// What to do next, per kind of error: the engine's message says what happened, this says what
// the person in front of the window can do about it.

import type { ErrorKind } from './bindings/ErrorKind';

/** Errors the UI raises itself (no command involved), beside the shell's kinds. */
export type UiErrorKind = ErrorKind | 'clipboard';

export interface UiError {
  kind: UiErrorKind;
  message: string;
}

export const ERROR_TITLE: Record<UiErrorKind, string> = {
  repository: 'This folder cannot be used as a repository',
  plan: 'The plan cannot be used',
  store: 'The run store could not be read or written',
  busy: 'This release is busy elsewhere',
  notFound: 'Not found',
  refused: 'Not done',
  notChosen: 'Choose it first',
  io: 'A file could not be read or written',
  signature: 'The report could not be signed or checked',
  internal: 'Something went wrong inside Release Pilot',
  clipboard: 'Could not copy to the clipboard',
};

export const ERROR_HINT: Record<UiErrorKind, string> = {
  repository:
    'Choose the folder that holds the project’s .git folder, or open the demo project to try the app.',
  plan: 'Fix the plan file where the message says, or choose one of the built-in templates.',
  store:
    'Check that the data folder has free space and that you may write to it, then try again. Your run so far is kept.',
  busy:
    'Another window (or the pilot command line) is running this release right now. Wait for it to finish, then open the run again from History.',
  notFound: 'It may have been removed. Open History to choose another run, or start again.',
  refused: 'Nothing was changed. Read the reason above, then try again.',
  notChosen:
    'Release Pilot uses only the folders and files you chose in its own dialogs. Choose it with the button the message names, then try again.',
  io: 'Check that the folder exists and that you may write there, or choose another place.',
  signature:
    'Nothing was signed or attached. Read the reason above: choose another key, load the key into ssh-agent, or save the report again and sign that file.',
  internal:
    'Try again. If it happens again, report it with the message above; your run is kept in the run store.',
  clipboard:
    'The window was not allowed to use the clipboard. Use “Save as…” instead, or select the report text and copy it.',
};
