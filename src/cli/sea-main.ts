// Entry of the single executable (`npm run dist`): sea-setup unpacks the native addons before the
// CLI's modules, which load them, are evaluated (imports run in order).
import './sea-setup.js';
import './main.js';
