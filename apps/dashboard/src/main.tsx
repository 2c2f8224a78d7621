import '@fontsource-variable/inter/wght.css';
import './styles/tokens.css';
import './styles/base.css';
import './styles/buttons.css';
import './styles/fields.css';
import './styles/feedback.css';
import './styles/surfaces.css';
import './styles/dialog.css';
import './styles/shell.css';
import './styles/switcher.css';
import './styles/pages.css';
import './styles/auth.css';
import './styles/keys.css';
import './styles/nav.css';
import './styles/voice.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
