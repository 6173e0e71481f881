import '../shared/base.css';
document.getElementById('root')!.textContent = 'This page is being built.';
