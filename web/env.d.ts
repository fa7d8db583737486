// Stylesheets imported by the playground's entry (esbuild bundles them into dist/web/app.css).
declare module '*.css';
