/** Vite: a file of the repository shipped with the app, imported as the URL it is served at. */
declare module '*.md?url' {
  const url: string;
  export default url;
}
