// Entry point: mount the window, then load what the first screen needs. In `--mode mock`
// (development only) a fake backend answering with recorded fixtures is installed first; the
// condition is a build-time constant, so production bundles do not contain it.

import { mount } from 'svelte';
import AppView from './App.svelte';
import { App } from './lib/app.svelte';
import './styles/global.css';

async function start(): Promise<void> {
  let scene: ((app: App) => Promise<void>) | null = null;
  if (import.meta.env.MODE === 'mock') {
    const mock = await import('./mock/install');
    scene = mock.install(window.location.search);
  }
  const app = new App();
  const target = document.getElementById('app');
  if (!target) throw new Error('index.html has no #app element');
  mount(AppView, { target, props: { app } });
  await app.boot();
  if (scene) await scene(app);
}

void start();
