-- The registry's JSON is camelCase on the wire; the scheme and case details are stored as they
-- are served, so their stored members follow (values and criterion ids are unchanged; absent
-- members stay absent and take their defaults). The audit log is left as written: its entries
-- are hashed.

UPDATE label_schemes SET scheme =
    (scheme - 'validity_days' - 'assessment_days' - 'activity' - 'monitoring')
    || jsonb_strip_nulls(jsonb_build_object(
        'validityDays', scheme -> 'validity_days',
        'assessmentDays', scheme -> 'assessment_days'))
    || jsonb_build_object(
        'activity', jsonb_strip_nulls(jsonb_build_object(
            'minActiveMonths', scheme -> 'activity' -> 'min_active_months',
            'minCredentialsPerMonth', scheme -> 'activity' -> 'min_credentials_per_month')),
        'monitoring', jsonb_strip_nulls(jsonb_build_object(
            'inactivityDays', scheme -> 'monitoring' -> 'inactivity_days',
            'revocationWindowDays', scheme -> 'monitoring' -> 'revocation_window_days',
            'revocationSpikeMin', scheme -> 'monitoring' -> 'revocation_spike_min',
            'revocationSpikeRatio', scheme -> 'monitoring' -> 'revocation_spike_ratio')))
WHERE scheme ? 'validity_days';

UPDATE monitoring_cases SET details =
    (details - 'idle_days' - 'threshold_days' - 'last_active_month' - 'window_days')
    || jsonb_strip_nulls(jsonb_build_object(
        'idleDays', details -> 'idle_days',
        'thresholdDays', details -> 'threshold_days',
        'lastActiveMonth', details -> 'last_active_month',
        'windowDays', details -> 'window_days'))
WHERE details ?| ARRAY['idle_days', 'threshold_days', 'last_active_month', 'window_days'];
