// The catalogues that vite.config.mjs assembles: one language's messages,
// keyed `<namespace>.<key>`.
declare module 'virtual:locale/*' {
  const messages: Record<string, string>;
  export default messages;
}
