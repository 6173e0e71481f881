import '../shared/zod-config';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import '../shared/base.css';
import './control.css';

document.title = 'Pavilion · Control';
createRoot(document.getElementById('root')!).render(<App />);
