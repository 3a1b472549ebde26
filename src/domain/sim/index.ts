/** The whole-day simulator: random centres, random days, ground-truth people driving decide(). */
export * from './rng.js';
export * from './random-site.js';
export * from './random-day.js';
export * from './world.js';
