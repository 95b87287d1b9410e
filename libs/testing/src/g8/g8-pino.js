'use strict';
/**
 * `pino` as jest hands it to the code under test while G8 captures (jest.preset.js maps `pino` here only then):
 * jest loads modules itself, so the Module._load hook of g8-capture.js never sees them. The real pino is loaded
 * by file path, which the mapping does not catch, and wrapped by the capture state of the process (set up by the
 * NODE_OPTIONS preload); without that state it is handed out unchanged.
 */
const path = require('node:path');
const { g8State } = require('./g8-capture.js');

const real = require(path.join(__dirname, '..', '..', '..', '..', 'node_modules', 'pino', 'pino.js'));

module.exports = g8State().wrapPino(real);
