/**
 * An RFC 6266 Content-Disposition value that keeps the original filename: an ASCII fallback
 * for old clients plus the exact UTF-8 name in filename*.
 */
export const attachmentDisposition = (filename: string): string => {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
};
