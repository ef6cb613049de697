// Test setup: nothing global yet beyond happy-dom (see vite.config.ts).
