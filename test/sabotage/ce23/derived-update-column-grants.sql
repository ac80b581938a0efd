-- A child isolated through its parent whose application may update only its body (never the key to
-- its parent), and an UPDATE policy that checks nothing: `UPDATE alert_notes SET body = NULL` reaches
-- every tenant's notes, though re-pointing a note at another parent is refused on privilege.
CREATE TABLE public.alert_notes (
    id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    alert_id uuid NOT NULL REFERENCES public.alerts (id) ON DELETE CASCADE,
    body     text
);
CREATE INDEX alert_notes_alert_id_idx ON public.alert_notes (alert_id);
ALTER TABLE public.alert_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.alert_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY alert_notes_through_alert ON public.alert_notes TO c2pro_app
    USING (EXISTS (SELECT 1 FROM public.alerts a WHERE a.id = alert_id))
    WITH CHECK (EXISTS (SELECT 1 FROM public.alerts a WHERE a.id = alert_id));
CREATE POLICY alert_notes_bulk_edit ON public.alert_notes FOR UPDATE TO c2pro_app USING (true);
GRANT SELECT, INSERT, DELETE ON public.alert_notes TO c2pro_app;
GRANT UPDATE (body) ON public.alert_notes TO c2pro_app;
