// Runs in a worker thread (see password-hasher.ts): bcrypt at cost 12 takes ~0.3 s of CPU,
// which must not stall the event loop that serves every other request. Plain CommonJS so it
// loads the same from src/ (tests) and dist/ (compiled).
const bcrypt = require('bcryptjs');

module.exports = function passwordTask({ op, password, hash, rounds }) {
  if (op === 'hash') return bcrypt.hashSync(password, rounds);
  return bcrypt.compareSync(password, hash);
};
