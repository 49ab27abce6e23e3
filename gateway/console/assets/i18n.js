// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The console's own interface texts in English, French and Arabic (right to left). t(key,
// vars) looks the key up in the chosen language, then English, then the given fallback;
// {name} placeholders are replaced by vars (as text: the DOM helpers never parse HTML).
// Numbers and dates use Intl with Latin digits for every language. Adding a language is
// adding a dictionary here (and its direction to RTL when needed). The choice is kept in
// localStorage (it is not personal data).
const KEY = 'liaison.console.lang';
const RTL = new Set(['ar']);

const en = {
  'app.title': 'Liaison console', 'app.language': 'Interface language', 'app.signout': 'Sign out',
  'app.skip': 'Skip to content',
  'nav.contacts': 'Contacts', 'nav.segments': 'Segments', 'nav.campaigns': 'Campaigns',
  'nav.monitor': 'Monitoring', 'nav.results': 'Results', 'nav.devices': 'Field devices',
  'role.admin': 'Administrator', 'role.officer': 'Officer', 'role.analyst': 'Analyst', 'role.auditor': 'Auditor',
  'signin.title': 'Sign in', 'signin.intro': 'Paste the API token your administrator gave you. It is kept in this browser tab only and forgotten when the tab is closed.',
  'signin.token': 'API token', 'signin.token_hint': 'It starts with lia_', 'signin.submit': 'Sign in', 'signin.checking': 'Checking the token…',
  'common.any': 'Any', 'common.more': 'Show more', 'common.search': 'Search', 'common.save': 'Save', 'common.delete': 'Delete',
  'common.yes': 'Yes', 'common.no': 'No',
  'contacts.title': 'Contacts', 'contacts.search': 'Find contacts', 'contacts.phone': 'Phone number', 'contacts.name': 'Name',
  'contacts.language': 'Language', 'contacts.country': 'Country', 'contacts.group': 'Group', 'contacts.groups': 'Groups',
  'contacts.status': 'Status', 'contacts.none': 'No contact matches.', 'contacts.no_access': 'Your role cannot see contacts. Segments, campaigns and results are open to you.',
  'contacts.import': 'Import contacts from a CSV file', 'contacts.import_intro': 'Columns: phone (required), name, language, country, region, city, time_zone, status, groups (separated by ;), consent_given_at, consent_channel, consent_wording_version and custom.<key>. Existing contacts are updated by phone number; people who opted out stay opted out.',
  'contacts.import_file': 'CSV file', 'contacts.import_hint': 'UTF-8, first line the column names. Large files are sent in parts.',
  'contacts.default_country': 'Country for national numbers', 'contacts.default_country_hint': 'Two letters, e.g. FR, used when a row has no country and a number has no +code',
  'contacts.import_start': 'Import', 'contacts.import_progress': '{done} of {total} rows sent',
  'contacts.import_done': '{rows} rows read: {inserted} added, {updated} updated, {rejected} rejected.',
  'contacts.import_finished': 'Import finished', 'contacts.rejections': 'Rejected rows (fix them in the file and import it again)',
  'contacts.line': 'Line', 'contacts.column': 'Column', 'contacts.reason': 'Problem', 'contacts.duplicate_of': '(same number as line {line})',
  'contacts.rejections_truncated': 'Only the first rejected rows are listed.',
  'status.active': 'Active', 'status.opted_out': 'Opted out', 'status.invalid': 'Invalid number',
  'segments.title': 'Segments', 'segments.list': 'Saved segments', 'segments.new': 'New segment', 'segments.edit': 'Edit segment',
  'segments.name': 'Name', 'segments.total': 'Contacts', 'segments.reachable': 'Reachable', 'segments.none': 'No segment yet.',
  'segments.combine': 'Contacts must match', 'segments.all': 'all conditions', 'segments.any': 'any condition',
  'segments.field': 'Field', 'segments.operator': 'Operator', 'segments.values': 'Values', 'segments.values_hint': 'values, separated by commas',
  'segments.custom_key': 'Custom field name', 'segments.not': 'not', 'segments.add_condition': 'Add a condition',
  'segments.remove_condition': 'Remove condition {n}', 'segments.add_condition_hint': 'Add a condition to see how many contacts match.',
  'segments.counting': 'Counting…', 'segments.count': '{total} contacts match, {reachable} reachable (not opted out).',
  'segments.count_capped': 'More than {total} contacts match ({reachable} reachable among them).',
  'segments.saved': 'Segment saved: {total} contacts.', 'segments.confirm_delete': 'Delete the segment “{name}”? Campaigns already started keep their recipients.',
  'segments.json_mode': 'This filter has nested groups; edit it as JSON.',
  'field.language': 'Language', 'field.location.country': 'Country', 'field.location.region': 'Region', 'field.location.city': 'City',
  'field.time_zone': 'Time zone', 'field.status': 'Status', 'field.groups': 'Groups', 'field.consent': 'Has consent',
  'field.consent.wording_version': 'Consent wording', 'field.custom.': 'Custom field…',
  'op.EQUALS': 'is', 'op.NOT_EQUALS': 'is not', 'op.IN': 'is one of', 'op.NOT_IN': 'is none of', 'op.HAS': 'contains',
  'op.LESS': 'is less than', 'op.GREATER': 'is more than', 'op.EXISTS': 'is set',
  'campaigns.title': 'Campaigns', 'campaigns.list': 'All campaigns', 'campaigns.new_poll': 'New poll', 'campaigns.new_notice': 'New notice',
  'campaigns.name': 'Name', 'campaigns.kind': 'Kind', 'campaigns.state': 'State', 'campaigns.created': 'Created', 'campaigns.messages': 'Messages',
  'campaigns.none': 'No campaign yet.', 'kind.poll': 'Poll', 'kind.notice': 'Notice',
  'state.draft': 'Draft', 'state.scheduled': 'Scheduled', 'state.running': 'Running', 'state.paused': 'Paused', 'state.completed': 'Completed', 'state.cancelled': 'Cancelled',
  'campaigns.basics': 'Campaign', 'campaigns.segment': 'Recipients (segment)', 'campaigns.choose_segment': 'Choose a segment…',
  'campaigns.languages': 'Languages to write', 'campaigns.languages_hint': 'Language codes separated by commas, e.g. en, fr, ar',
  'campaigns.fallback': 'Fallback language', 'campaigns.fallback_hint': 'For recipients whose language has no text',
  'campaigns.notice': 'Notice', 'campaigns.notice_body': 'Message', 'campaigns.questions': 'Questions', 'campaigns.intro': 'Introduction (sent with the first question)',
  'campaigns.closing': 'Thank-you message', 'campaigns.question_n': 'Question {n}', 'campaigns.question_id': 'Question id',
  'campaigns.question_kind': 'Answer type', 'campaigns.max_reasks': 'Times to ask again', 'campaigns.prompt': 'Question text',
  'campaigns.prompt_hint': 'This is the exact SMS: write the answer keys in it (1) Yes 2) No, or “Reply YES or NO”), as people answer with what they read.',
  'campaigns.add_keys': 'Add the choices to the text',
  'campaigns.reask': 'Text when the answer is unclear', 'campaigns.keys': 'Answer keys', 'campaigns.keys_numbers': '1, 2, 3…', 'campaigns.keys_letters': 'A, B, C…',
  'campaigns.choice_n': 'Choice {n}', 'campaigns.choice_id': 'Choice id', 'campaigns.choice_label': 'Label', 'campaigns.synonyms': 'Also accepted (synonyms)',
  'campaigns.words_hint': 'words, separated by commas', 'campaigns.add_choice': 'Add a choice', 'campaigns.remove_choice': 'Remove this choice',
  'campaigns.yes_words': 'Words meaning yes', 'campaigns.no_words': 'Words meaning no', 'campaigns.min': 'Minimum', 'campaigns.max': 'Maximum',
  'campaigns.integer_only': 'Whole numbers only', 'campaigns.max_chars': 'Longest answer (characters)',
  'campaigns.branching': 'What comes next', 'campaigns.if_answer': 'If the answer is', 'campaigns.when': 'Answer',
  'campaigns.add_branch': 'Add a rule', 'campaigns.remove_branch': 'Remove this rule', 'campaigns.then': 'Otherwise go to', 'campaigns.next_in_order': 'the next question (or the end)',
  'campaigns.add_question': 'Add a question', 'campaigns.move_up': 'Move up', 'campaigns.remove_question': 'Remove this question',
  'qkind.single_choice': 'One choice', 'qkind.yes_no': 'Yes or no', 'qkind.number': 'Number', 'qkind.free_text': 'Free text',
  'campaigns.schedule': 'Schedule', 'campaigns.start_at': 'Not before', 'campaigns.start_at_hint': 'In your own time zone; empty: as soon as started',
  'campaigns.window': 'Sending hours', 'campaigns.window_hint': 'In each recipient’s local time: nobody gets a message outside these hours.',
  'campaigns.window_start': 'From', 'campaigns.window_end': 'Until', 'campaigns.spread': 'Spread the first sends over (minutes)',
  'campaigns.validity': 'Give up on a message after (hours)', 'campaigns.resend': 'If a send’s outcome is unknown',
  'resend.default': 'the gateway’s default for the campaign kind', 'resend.RESEND_POLICY_NEVER': 'never send it again (polls)', 'resend.RESEND_POLICY_AT_LEAST_ONCE': 'send it again (notices)',
  'campaigns.save_draft': 'Save draft', 'campaigns.saved': 'Saved', 'campaigns.saved_at': 'Saved at {time}',
  'campaigns.preview': 'Preview', 'campaigns.preview_after_save': 'Save the draft to see each message as phones will show it.',
  'campaigns.problems': 'To fix before starting', 'campaigns.valid': 'Ready to start.', 'campaigns.audience': '{n} recipients, {segments} SMS in all.',
  'campaigns.segments': '{n} SMS', 'campaigns.chars': '{n} characters', 'campaigns.recipients': '{n} recipients',
  'encoding.gsm7': 'GSM 7-bit', 'encoding.gsm7_national': 'GSM 7-bit (national)', 'encoding.ucs2': 'Unicode (UCS-2)',
  'campaigns.start': 'Start', 'campaigns.start_again': 'Send to new members', 'campaigns.confirm_start_again': 'Send this campaign to the people who joined its segment since it started? Nobody gets the same message twice.', 'campaigns.pause': 'Pause', 'campaigns.resume': 'Resume', 'campaigns.cancel': 'Cancel campaign',
  'campaigns.confirm_start': 'Start sending this campaign to its recipients?', 'campaigns.confirm_cancel': 'Cancel this campaign? Messages not yet sent are dropped. This cannot be undone.',
  'campaigns.done_start': 'Started: {n} messages planned.', 'campaigns.done_pause': 'Paused.', 'campaigns.done_resume': 'Resumed.', 'campaigns.done_cancel': 'Cancelled.',
  'campaigns.read_only_role': 'Your role can read this campaign but not change, start or stop it.',
  'monitor.title': 'Monitoring', 'monitor.title_of': 'Monitoring: {name}', 'monitor.pick': 'Choose a campaign', 'monitor.none': 'No campaign has started yet.',
  'monitor.delivery': 'Delivery', 'monitor.funnel': 'Messages by state', 'monitor.answers': 'Answers', 'monitor.total': 'Messages', 'monitor.delivery_rate': 'Delivered',
  'monitor.answers_count': 'Answers', 'monitor.updated': 'Updated {time}, refreshed every few seconds', 'monitor.edit': 'Campaign',
  'msg.queued': 'Queued', 'msg.sending': 'Sending', 'msg.submitted': 'Sent', 'msg.delivered': 'Delivered', 'msg.failed': 'Failed', 'msg.expired': 'Expired', 'msg.unknown': 'Unknown',
  'results.title': 'Results', 'results.title_of': 'Results: {name}', 'results.export': 'Export CSV', 'results.exported': 'CSV saved',
  'results.started': 'Asked', 'results.responded': 'Answered', 'results.completed': 'Completed', 'results.response_rate': 'Response rate',
  'results.completion_rate': 'Completion rate', 'results.questions': 'Answers per question', 'results.question': 'Question {id}',
  'results.by_country': 'By country', 'results.by_language': 'By language', 'results.group': 'Group', 'results.unknown': '(unknown)',
  'results.no_data': 'No answers yet.', 'results.no_questions': 'No answers yet.',
  'results.numeric': '{answered} answers: minimum {min}, maximum {max}, mean {mean}, median {median}',
  'devices.title': 'Field devices', 'devices.unavailable': 'This gateway does not offer device management through its API yet.',
  'devices.enrol': 'Enrol a device', 'devices.enrol_intro': 'Create a one-time code and type it into the field app. The code is shown once.',
  'devices.team': 'Team', 'devices.team_hint': 'Letters, digits, . _ : -', 'devices.scopes': 'Extra scopes', 'devices.scopes_hint': 'Separated by commas; the team’s scope is always included',
  'devices.lifetime': 'Valid for (hours)', 'devices.create_code': 'Create code', 'devices.code_once': 'Enrolment code (shown only now):',
  'devices.expires': 'Expires {time}', 'devices.list': 'Enrolled devices', 'devices.device': 'Device', 'devices.last_sync': 'Last seen',
  'devices.enrolled': 'Enrolled', 'devices.applied': 'Operations applied', 'devices.state': 'State', 'devices.never': 'never', 'devices.active': 'Active', 'devices.revoke': 'Revoke',
  'devices.revoked': 'Device revoked', 'devices.revoked_at': 'Revoked {time}', 'devices.none': 'No device enrolled.',
  'devices.confirm_revoke': 'Revoke device {id}? Its next sync is refused; it must be enrolled again.',
  'error.network': 'The gateway cannot be reached. Check the connection and try again.',
  'error.unauthorized': 'This token is not valid (unknown, expired or revoked). Ask your administrator for a new one.',
  'error.forbidden': 'Your role may not do this.', 'error.not_found': 'Not found: it may have been deleted.',
  'error.wrong_state': 'Not possible in the campaign’s current state.', 'error.conflict': 'This conflicts with existing data.',
  'error.rate_limited': 'Too many requests: wait a moment and try again.', 'error.unavailable': 'The gateway is busy: try again in a moment.',
  'error.body_too_large': 'Too large for one request.', 'error.invalid_json': 'This is not valid JSON.',
  'error.invalid_campaign': 'The campaign is not valid', 'error.invalid_filter': 'The filter is not valid', 'error.invalid_contact': 'The contact is not valid',
  'error.invalid_csv_header': 'The CSV header is not valid', 'error.internal': 'The gateway failed: tell your administrator.',
  'error.no_file': 'Choose a CSV file first.', 'error.file_too_large': 'The file is larger than 64 MiB: import it with the command line (liaison contacts import).',
  'error.bad_country': 'The country must be two letters, e.g. FR.', 'error.empty_csv': 'The file has no rows under its header.',
};

const fr = {
  'app.title': 'Console Liaison', 'app.language': 'Langue de l’interface', 'app.signout': 'Se déconnecter', 'app.skip': 'Aller au contenu',
  'nav.contacts': 'Contacts', 'nav.segments': 'Segments', 'nav.campaigns': 'Campagnes', 'nav.monitor': 'Suivi', 'nav.results': 'Résultats', 'nav.devices': 'Appareils de terrain',
  'role.admin': 'Administrateur', 'role.officer': 'Agent', 'role.analyst': 'Analyste', 'role.auditor': 'Auditeur',
  'signin.title': 'Connexion', 'signin.intro': 'Collez le jeton d’API remis par votre administrateur. Il reste dans cet onglet seulement et est oublié à sa fermeture.',
  'signin.token': 'Jeton d’API', 'signin.token_hint': 'Il commence par lia_', 'signin.submit': 'Se connecter', 'signin.checking': 'Vérification du jeton…',
  'common.any': 'Tous', 'common.more': 'Afficher plus', 'common.search': 'Rechercher', 'common.save': 'Enregistrer', 'common.delete': 'Supprimer', 'common.yes': 'Oui', 'common.no': 'Non',
  'contacts.title': 'Contacts', 'contacts.search': 'Rechercher des contacts', 'contacts.phone': 'Numéro de téléphone', 'contacts.name': 'Nom',
  'contacts.language': 'Langue', 'contacts.country': 'Pays', 'contacts.group': 'Groupe', 'contacts.groups': 'Groupes', 'contacts.status': 'Statut',
  'contacts.none': 'Aucun contact ne correspond.', 'contacts.no_access': 'Votre rôle ne permet pas de voir les contacts. Segments, campagnes et résultats vous sont ouverts.',
  'contacts.import': 'Importer des contacts depuis un fichier CSV', 'contacts.import_intro': 'Colonnes : phone (obligatoire), name, language, country, region, city, time_zone, status, groups (séparés par ;), consent_given_at, consent_channel, consent_wording_version et custom.<clé>. Les contacts existants sont mis à jour par numéro ; les personnes désinscrites le restent.',
  'contacts.import_file': 'Fichier CSV', 'contacts.import_hint': 'UTF-8, noms des colonnes en première ligne. Les gros fichiers sont envoyés en plusieurs parties.',
  'contacts.default_country': 'Pays des numéros nationaux', 'contacts.default_country_hint': 'Deux lettres, p. ex. FR, pour les lignes sans pays et les numéros sans indicatif +',
  'contacts.import_start': 'Importer', 'contacts.import_progress': '{done} lignes envoyées sur {total}',
  'contacts.import_done': '{rows} lignes lues : {inserted} ajoutées, {updated} mises à jour, {rejected} refusées.',
  'contacts.import_finished': 'Import terminé', 'contacts.rejections': 'Lignes refusées (corrigez-les dans le fichier puis importez-le à nouveau)',
  'contacts.line': 'Ligne', 'contacts.column': 'Colonne', 'contacts.reason': 'Problème', 'contacts.duplicate_of': '(même numéro que la ligne {line})',
  'contacts.rejections_truncated': 'Seules les premières lignes refusées sont listées.',
  'status.active': 'Actif', 'status.opted_out': 'Désinscrit', 'status.invalid': 'Numéro invalide',
  'segments.title': 'Segments', 'segments.list': 'Segments enregistrés', 'segments.new': 'Nouveau segment', 'segments.edit': 'Modifier le segment',
  'segments.name': 'Nom', 'segments.total': 'Contacts', 'segments.reachable': 'Joignables', 'segments.none': 'Aucun segment pour l’instant.',
  'segments.combine': 'Les contacts doivent remplir', 'segments.all': 'toutes les conditions', 'segments.any': 'au moins une condition',
  'segments.field': 'Champ', 'segments.operator': 'Opérateur', 'segments.values': 'Valeurs', 'segments.values_hint': 'valeurs séparées par des virgules',
  'segments.custom_key': 'Nom du champ personnalisé', 'segments.not': 'non', 'segments.add_condition': 'Ajouter une condition',
  'segments.remove_condition': 'Retirer la condition {n}', 'segments.add_condition_hint': 'Ajoutez une condition pour voir combien de contacts correspondent.',
  'segments.counting': 'Comptage…', 'segments.count': '{total} contacts correspondent, dont {reachable} joignables (non désinscrits).',
  'segments.count_capped': 'Plus de {total} contacts correspondent ({reachable} joignables parmi eux).',
  'segments.saved': 'Segment enregistré : {total} contacts.', 'segments.confirm_delete': 'Supprimer le segment « {name} » ? Les campagnes déjà lancées gardent leurs destinataires.',
  'segments.json_mode': 'Ce filtre contient des groupes imbriqués ; modifiez-le en JSON.',
  'field.language': 'Langue', 'field.location.country': 'Pays', 'field.location.region': 'Région', 'field.location.city': 'Ville', 'field.time_zone': 'Fuseau horaire',
  'field.status': 'Statut', 'field.groups': 'Groupes', 'field.consent': 'A donné son consentement', 'field.consent.wording_version': 'Version du consentement', 'field.custom.': 'Champ personnalisé…',
  'op.EQUALS': 'est', 'op.NOT_EQUALS': 'n’est pas', 'op.IN': 'est l’un de', 'op.NOT_IN': 'n’est aucun de', 'op.HAS': 'contient', 'op.LESS': 'est inférieur à', 'op.GREATER': 'est supérieur à', 'op.EXISTS': 'est renseigné',
  'campaigns.title': 'Campagnes', 'campaigns.list': 'Toutes les campagnes', 'campaigns.new_poll': 'Nouveau sondage', 'campaigns.new_notice': 'Nouvel avis',
  'campaigns.name': 'Nom', 'campaigns.kind': 'Type', 'campaigns.state': 'État', 'campaigns.created': 'Créée', 'campaigns.messages': 'Messages', 'campaigns.none': 'Aucune campagne pour l’instant.',
  'kind.poll': 'Sondage', 'kind.notice': 'Avis',
  'state.draft': 'Brouillon', 'state.scheduled': 'Programmée', 'state.running': 'En cours', 'state.paused': 'En pause', 'state.completed': 'Terminée', 'state.cancelled': 'Annulée',
  'campaigns.basics': 'Campagne', 'campaigns.segment': 'Destinataires (segment)', 'campaigns.choose_segment': 'Choisir un segment…',
  'campaigns.languages': 'Langues à rédiger', 'campaigns.languages_hint': 'Codes de langue séparés par des virgules, p. ex. en, fr, ar',
  'campaigns.fallback': 'Langue de repli', 'campaigns.fallback_hint': 'Pour les destinataires dont la langue n’a pas de texte',
  'campaigns.notice': 'Avis', 'campaigns.notice_body': 'Message', 'campaigns.questions': 'Questions', 'campaigns.intro': 'Introduction (envoyée avec la première question)',
  'campaigns.closing': 'Message de remerciement', 'campaigns.question_n': 'Question {n}', 'campaigns.question_id': 'Identifiant de la question',
  'campaigns.question_kind': 'Type de réponse', 'campaigns.max_reasks': 'Nombre de relances', 'campaigns.prompt': 'Texte de la question',
  'campaigns.prompt_hint': 'C’est le SMS exact : écrivez-y les touches de réponse (1) Oui 2) Non, ou « Répondez OUI ou NON »), car les gens répondent avec ce qu’ils lisent.',
  'campaigns.add_keys': 'Ajouter les choix au texte',
  'campaigns.reask': 'Texte si la réponse n’est pas comprise', 'campaigns.keys': 'Touches de réponse', 'campaigns.keys_numbers': '1, 2, 3…', 'campaigns.keys_letters': 'A, B, C…',
  'campaigns.choice_n': 'Choix {n}', 'campaigns.choice_id': 'Identifiant du choix', 'campaigns.choice_label': 'Libellé', 'campaigns.synonyms': 'Aussi acceptés (synonymes)',
  'campaigns.words_hint': 'mots séparés par des virgules', 'campaigns.add_choice': 'Ajouter un choix', 'campaigns.remove_choice': 'Retirer ce choix',
  'campaigns.yes_words': 'Mots signifiant oui', 'campaigns.no_words': 'Mots signifiant non', 'campaigns.min': 'Minimum', 'campaigns.max': 'Maximum',
  'campaigns.integer_only': 'Nombres entiers seulement', 'campaigns.max_chars': 'Réponse la plus longue (caractères)',
  'campaigns.branching': 'Et ensuite', 'campaigns.if_answer': 'Si la réponse est', 'campaigns.when': 'Réponse', 'campaigns.add_branch': 'Ajouter une règle',
  'campaigns.remove_branch': 'Retirer cette règle', 'campaigns.then': 'Sinon aller à', 'campaigns.next_in_order': 'la question suivante (ou la fin)',
  'campaigns.add_question': 'Ajouter une question', 'campaigns.move_up': 'Monter', 'campaigns.remove_question': 'Retirer cette question',
  'qkind.single_choice': 'Un choix', 'qkind.yes_no': 'Oui ou non', 'qkind.number': 'Nombre', 'qkind.free_text': 'Texte libre',
  'campaigns.schedule': 'Programmation', 'campaigns.start_at': 'Pas avant', 'campaigns.start_at_hint': 'Dans votre fuseau horaire ; vide : dès le lancement',
  'campaigns.window': 'Heures d’envoi', 'campaigns.window_hint': 'À l’heure locale de chaque destinataire : personne ne reçoit de message en dehors de ces heures.',
  'campaigns.window_start': 'De', 'campaigns.window_end': 'À', 'campaigns.spread': 'Étaler les premiers envois sur (minutes)',
  'campaigns.validity': 'Abandonner un message après (heures)', 'campaigns.resend': 'Si le résultat d’un envoi est inconnu',
  'resend.default': 'le choix par défaut de la passerelle', 'resend.RESEND_POLICY_NEVER': 'ne jamais le renvoyer (sondages)', 'resend.RESEND_POLICY_AT_LEAST_ONCE': 'le renvoyer (avis)',
  'campaigns.save_draft': 'Enregistrer le brouillon', 'campaigns.saved': 'Enregistré', 'campaigns.saved_at': 'Enregistré à {time}',
  'campaigns.preview': 'Aperçu', 'campaigns.preview_after_save': 'Enregistrez le brouillon pour voir chaque message tel que les téléphones l’afficheront.',
  'campaigns.problems': 'À corriger avant le lancement', 'campaigns.valid': 'Prête à être lancée.', 'campaigns.audience': '{n} destinataires, {segments} SMS au total.',
  'campaigns.segments': '{n} SMS', 'campaigns.chars': '{n} caractères', 'campaigns.recipients': '{n} destinataires',
  'encoding.gsm7': 'GSM 7 bits', 'encoding.gsm7_national': 'GSM 7 bits (national)', 'encoding.ucs2': 'Unicode (UCS-2)',
  'campaigns.start': 'Lancer', 'campaigns.start_again': 'Envoyer aux nouveaux membres', 'campaigns.confirm_start_again': 'Envoyer cette campagne aux personnes entrées dans son segment depuis son lancement ? Personne ne reçoit deux fois le même message.', 'campaigns.pause': 'Mettre en pause', 'campaigns.resume': 'Reprendre', 'campaigns.cancel': 'Annuler la campagne',
  'campaigns.confirm_start': 'Lancer l’envoi de cette campagne à ses destinataires ?', 'campaigns.confirm_cancel': 'Annuler cette campagne ? Les messages pas encore envoyés sont abandonnés. C’est définitif.',
  'campaigns.done_start': 'Lancée : {n} messages planifiés.', 'campaigns.done_pause': 'En pause.', 'campaigns.done_resume': 'Reprise.', 'campaigns.done_cancel': 'Annulée.',
  'campaigns.read_only_role': 'Votre rôle peut consulter cette campagne mais pas la modifier, la lancer ni l’arrêter.',
  'monitor.title': 'Suivi', 'monitor.title_of': 'Suivi : {name}', 'monitor.pick': 'Choisir une campagne', 'monitor.none': 'Aucune campagne n’a encore été lancée.',
  'monitor.delivery': 'Remise', 'monitor.funnel': 'Messages par état', 'monitor.answers': 'Réponses', 'monitor.total': 'Messages', 'monitor.delivery_rate': 'Remis', 'monitor.answers_count': 'Réponses',
  'monitor.updated': 'Mis à jour à {time}, actualisé toutes les quelques secondes', 'monitor.edit': 'Campagne',
  'msg.queued': 'En attente', 'msg.sending': 'En cours d’envoi', 'msg.submitted': 'Envoyés', 'msg.delivered': 'Remis', 'msg.failed': 'Échecs', 'msg.expired': 'Expirés', 'msg.unknown': 'Inconnus',
  'results.title': 'Résultats', 'results.title_of': 'Résultats : {name}', 'results.export': 'Exporter en CSV', 'results.exported': 'CSV enregistré',
  'results.started': 'Interrogés', 'results.responded': 'Ont répondu', 'results.completed': 'Ont terminé', 'results.response_rate': 'Taux de réponse',
  'results.completion_rate': 'Taux d’achèvement', 'results.questions': 'Réponses par question', 'results.question': 'Question {id}',
  'results.by_country': 'Par pays', 'results.by_language': 'Par langue', 'results.group': 'Groupe', 'results.unknown': '(inconnu)',
  'results.no_data': 'Pas encore de réponse.', 'results.no_questions': 'Pas encore de réponse.',
  'results.numeric': '{answered} réponses : minimum {min}, maximum {max}, moyenne {mean}, médiane {median}',
  'devices.title': 'Appareils de terrain', 'devices.unavailable': 'Cette passerelle ne propose pas encore la gestion des appareils par son API.',
  'devices.enrol': 'Enrôler un appareil', 'devices.enrol_intro': 'Créez un code à usage unique et saisissez-le dans l’application de terrain. Le code n’est affiché qu’une fois.',
  'devices.team': 'Équipe', 'devices.team_hint': 'Lettres, chiffres, . _ : -', 'devices.scopes': 'Portées supplémentaires', 'devices.scopes_hint': 'Séparées par des virgules ; celle de l’équipe est toujours incluse',
  'devices.lifetime': 'Valable (heures)', 'devices.create_code': 'Créer un code', 'devices.code_once': 'Code d’enrôlement (affiché maintenant seulement) :',
  'devices.expires': 'Expire le {time}', 'devices.list': 'Appareils enrôlés', 'devices.device': 'Appareil', 'devices.last_sync': 'Vu pour la dernière fois',
  'devices.enrolled': 'Enrôlé le', 'devices.applied': 'Opérations appliquées', 'devices.state': 'État', 'devices.never': 'jamais', 'devices.active': 'Actif', 'devices.revoke': 'Révoquer',
  'devices.revoked': 'Appareil révoqué', 'devices.revoked_at': 'Révoqué le {time}', 'devices.none': 'Aucun appareil enrôlé.',
  'devices.confirm_revoke': 'Révoquer l’appareil {id} ? Sa prochaine synchronisation sera refusée ; il devra être enrôlé à nouveau.',
  'error.network': 'La passerelle est injoignable. Vérifiez la connexion et réessayez.',
  'error.unauthorized': 'Ce jeton n’est pas valable (inconnu, expiré ou révoqué). Demandez-en un nouveau à votre administrateur.',
  'error.forbidden': 'Votre rôle ne permet pas cette action.', 'error.not_found': 'Introuvable : l’élément a peut-être été supprimé.',
  'error.wrong_state': 'Impossible dans l’état actuel de la campagne.', 'error.conflict': 'Conflit avec des données existantes.',
  'error.rate_limited': 'Trop de requêtes : patientez un instant et réessayez.', 'error.unavailable': 'La passerelle est occupée : réessayez dans un instant.',
  'error.body_too_large': 'Trop volumineux pour une seule requête.', 'error.invalid_json': 'Ce n’est pas du JSON valide.',
  'error.invalid_campaign': 'La campagne n’est pas valide', 'error.invalid_filter': 'Le filtre n’est pas valide', 'error.invalid_contact': 'Le contact n’est pas valide',
  'error.invalid_csv_header': 'L’en-tête du CSV n’est pas valide', 'error.internal': 'La passerelle a échoué : prévenez votre administrateur.',
  'error.no_file': 'Choisissez d’abord un fichier CSV.', 'error.file_too_large': 'Le fichier dépasse 64 Mio : importez-le en ligne de commande (liaison contacts import).',
  'error.bad_country': 'Le pays s’écrit en deux lettres, p. ex. FR.', 'error.empty_csv': 'Le fichier n’a aucune ligne sous son en-tête.',
};

const ar = {
  'app.title': 'وحدة تحكم ليزون', 'app.language': 'لغة الواجهة', 'app.signout': 'تسجيل الخروج', 'app.skip': 'الانتقال إلى المحتوى',
  'nav.contacts': 'جهات الاتصال', 'nav.segments': 'الشرائح', 'nav.campaigns': 'الحملات', 'nav.monitor': 'المتابعة', 'nav.results': 'النتائج', 'nav.devices': 'الأجهزة الميدانية',
  'role.admin': 'مسؤول', 'role.officer': 'موظف', 'role.analyst': 'محلل', 'role.auditor': 'مدقق',
  'signin.title': 'تسجيل الدخول', 'signin.intro': 'الصق رمز الواجهة البرمجية الذي أعطاك إياه المسؤول. يُحفظ في علامة التبويب هذه فقط ويُنسى عند إغلاقها.',
  'signin.token': 'رمز الواجهة البرمجية', 'signin.token_hint': 'يبدأ بـ lia_', 'signin.submit': 'دخول', 'signin.checking': 'جارٍ التحقق من الرمز…',
  'common.any': 'الكل', 'common.more': 'عرض المزيد', 'common.search': 'بحث', 'common.save': 'حفظ', 'common.delete': 'حذف', 'common.yes': 'نعم', 'common.no': 'لا',
  'contacts.title': 'جهات الاتصال', 'contacts.search': 'البحث عن جهات الاتصال', 'contacts.phone': 'رقم الهاتف', 'contacts.name': 'الاسم',
  'contacts.language': 'اللغة', 'contacts.country': 'البلد', 'contacts.group': 'المجموعة', 'contacts.groups': 'المجموعات', 'contacts.status': 'الحالة',
  'contacts.none': 'لا توجد جهة اتصال مطابقة.', 'contacts.no_access': 'لا يسمح دورك برؤية جهات الاتصال. الشرائح والحملات والنتائج متاحة لك.',
  'contacts.import': 'استيراد جهات الاتصال من ملف CSV', 'contacts.import_intro': 'الأعمدة: phone (إلزامي)، name، language، country، region، city، time_zone، status، groups (مفصولة بـ ;)، consent_given_at، consent_channel، consent_wording_version و custom.<key>. تُحدَّث جهات الاتصال الموجودة حسب رقم الهاتف، ومن ألغى اشتراكه يبقى كذلك.',
  'contacts.import_file': 'ملف CSV', 'contacts.import_hint': 'بترميز UTF-8، والسطر الأول أسماء الأعمدة. تُرسل الملفات الكبيرة على أجزاء.',
  'contacts.default_country': 'بلد الأرقام المحلية', 'contacts.default_country_hint': 'حرفان، مثل FR، للسطور التي لا بلد فيها وللأرقام التي لا رمز دولي لها',
  'contacts.import_start': 'استيراد', 'contacts.import_progress': 'أُرسل {done} من {total} سطرًا',
  'contacts.import_done': 'قُرئ {rows} سطرًا: أُضيف {inserted}، وحُدّث {updated}، ورُفض {rejected}.',
  'contacts.import_finished': 'انتهى الاستيراد', 'contacts.rejections': 'السطور المرفوضة (صحّحها في الملف ثم استورده من جديد)',
  'contacts.line': 'السطر', 'contacts.column': 'العمود', 'contacts.reason': 'المشكلة', 'contacts.duplicate_of': '(الرقم نفسه في السطر {line})',
  'contacts.rejections_truncated': 'لا تُعرض إلا السطور المرفوضة الأولى.',
  'status.active': 'نشط', 'status.opted_out': 'ألغى الاشتراك', 'status.invalid': 'رقم غير صالح',
  'segments.title': 'الشرائح', 'segments.list': 'الشرائح المحفوظة', 'segments.new': 'شريحة جديدة', 'segments.edit': 'تعديل الشريحة',
  'segments.name': 'الاسم', 'segments.total': 'جهات الاتصال', 'segments.reachable': 'يمكن الوصول إليهم', 'segments.none': 'لا توجد شرائح بعد.',
  'segments.combine': 'يجب أن تستوفي جهات الاتصال', 'segments.all': 'كل الشروط', 'segments.any': 'أيّ شرط',
  'segments.field': 'الحقل', 'segments.operator': 'العامل', 'segments.values': 'القيم', 'segments.values_hint': 'قيم مفصولة بفواصل',
  'segments.custom_key': 'اسم الحقل المخصص', 'segments.not': 'ليس', 'segments.add_condition': 'إضافة شرط',
  'segments.remove_condition': 'حذف الشرط {n}', 'segments.add_condition_hint': 'أضف شرطًا لترى عدد جهات الاتصال المطابقة.',
  'segments.counting': 'جارٍ العد…', 'segments.count': '{total} جهة اتصال مطابقة، منها {reachable} يمكن الوصول إليها (لم تلغِ الاشتراك).',
  'segments.count_capped': 'أكثر من {total} جهة اتصال مطابقة (منها {reachable} يمكن الوصول إليها).',
  'segments.saved': 'حُفظت الشريحة: {total} جهة اتصال.', 'segments.confirm_delete': 'حذف الشريحة «{name}»؟ تحتفظ الحملات التي بدأت بمستلميها.',
  'segments.json_mode': 'في هذا المرشح مجموعات متداخلة؛ عدّله بصيغة JSON.',
  'field.language': 'اللغة', 'field.location.country': 'البلد', 'field.location.region': 'المنطقة', 'field.location.city': 'المدينة', 'field.time_zone': 'المنطقة الزمنية',
  'field.status': 'الحالة', 'field.groups': 'المجموعات', 'field.consent': 'لديه موافقة', 'field.consent.wording_version': 'نص الموافقة', 'field.custom.': 'حقل مخصص…',
  'op.EQUALS': 'يساوي', 'op.NOT_EQUALS': 'لا يساوي', 'op.IN': 'أحد', 'op.NOT_IN': 'ليس أيًّا من', 'op.HAS': 'يحتوي', 'op.LESS': 'أقل من', 'op.GREATER': 'أكثر من', 'op.EXISTS': 'موجود',
  'campaigns.title': 'الحملات', 'campaigns.list': 'كل الحملات', 'campaigns.new_poll': 'استطلاع جديد', 'campaigns.new_notice': 'إشعار جديد',
  'campaigns.name': 'الاسم', 'campaigns.kind': 'النوع', 'campaigns.state': 'الحالة', 'campaigns.created': 'أُنشئت', 'campaigns.messages': 'الرسائل', 'campaigns.none': 'لا توجد حملات بعد.',
  'kind.poll': 'استطلاع', 'kind.notice': 'إشعار',
  'state.draft': 'مسودة', 'state.scheduled': 'مجدولة', 'state.running': 'جارية', 'state.paused': 'متوقفة مؤقتًا', 'state.completed': 'مكتملة', 'state.cancelled': 'ملغاة',
  'campaigns.basics': 'الحملة', 'campaigns.segment': 'المستلمون (الشريحة)', 'campaigns.choose_segment': 'اختر شريحة…',
  'campaigns.languages': 'لغات النصوص', 'campaigns.languages_hint': 'رموز اللغات مفصولة بفواصل، مثل en, fr, ar',
  'campaigns.fallback': 'اللغة الاحتياطية', 'campaigns.fallback_hint': 'للمستلمين الذين لا نص بلغتهم',
  'campaigns.notice': 'إشعار', 'campaigns.notice_body': 'الرسالة', 'campaigns.questions': 'الأسئلة', 'campaigns.intro': 'مقدمة (تُرسل مع السؤال الأول)',
  'campaigns.closing': 'رسالة الشكر', 'campaigns.question_n': 'السؤال {n}', 'campaigns.question_id': 'معرّف السؤال',
  'campaigns.question_kind': 'نوع الإجابة', 'campaigns.max_reasks': 'عدد مرات إعادة السؤال', 'campaigns.prompt': 'نص السؤال',
  'campaigns.prompt_hint': 'هذا هو نص الرسالة القصيرة كما يُرسل: اكتب فيه مفاتيح الإجابة (1) نعم 2) لا، أو «أجب بنعم أو لا»)، فالناس يجيبون بما يقرؤونه.',
  'campaigns.add_keys': 'إضافة الخيارات إلى النص',
  'campaigns.reask': 'النص عندما تكون الإجابة غير واضحة', 'campaigns.keys': 'مفاتيح الإجابة', 'campaigns.keys_numbers': '1، 2، 3…', 'campaigns.keys_letters': 'A، B، C…',
  'campaigns.choice_n': 'الخيار {n}', 'campaigns.choice_id': 'معرّف الخيار', 'campaigns.choice_label': 'التسمية', 'campaigns.synonyms': 'مقبول أيضًا (مرادفات)',
  'campaigns.words_hint': 'كلمات مفصولة بفواصل', 'campaigns.add_choice': 'إضافة خيار', 'campaigns.remove_choice': 'حذف هذا الخيار',
  'campaigns.yes_words': 'كلمات تعني نعم', 'campaigns.no_words': 'كلمات تعني لا', 'campaigns.min': 'الحد الأدنى', 'campaigns.max': 'الحد الأقصى',
  'campaigns.integer_only': 'أعداد صحيحة فقط', 'campaigns.max_chars': 'أطول إجابة (أحرف)',
  'campaigns.branching': 'ما يلي', 'campaigns.if_answer': 'إذا كانت الإجابة', 'campaigns.when': 'الإجابة', 'campaigns.add_branch': 'إضافة قاعدة',
  'campaigns.remove_branch': 'حذف هذه القاعدة', 'campaigns.then': 'وإلا انتقل إلى', 'campaigns.next_in_order': 'السؤال التالي (أو النهاية)',
  'campaigns.add_question': 'إضافة سؤال', 'campaigns.move_up': 'نقل إلى الأعلى', 'campaigns.remove_question': 'حذف هذا السؤال',
  'qkind.single_choice': 'خيار واحد', 'qkind.yes_no': 'نعم أو لا', 'qkind.number': 'رقم', 'qkind.free_text': 'نص حر',
  'campaigns.schedule': 'الجدولة', 'campaigns.start_at': 'ليس قبل', 'campaigns.start_at_hint': 'بتوقيتك المحلي؛ فارغ: فور البدء',
  'campaigns.window': 'ساعات الإرسال', 'campaigns.window_hint': 'بالتوقيت المحلي لكل مستلم: لا يتلقى أحد رسالة خارج هذه الساعات.',
  'campaigns.window_start': 'من', 'campaigns.window_end': 'إلى', 'campaigns.spread': 'توزيع الإرسال الأول على (دقائق)',
  'campaigns.validity': 'التخلي عن الرسالة بعد (ساعات)', 'campaigns.resend': 'إذا كانت نتيجة الإرسال مجهولة',
  'resend.default': 'الخيار الافتراضي للبوابة', 'resend.RESEND_POLICY_NEVER': 'لا تُعاد أبدًا (الاستطلاعات)', 'resend.RESEND_POLICY_AT_LEAST_ONCE': 'تُعاد (الإشعارات)',
  'campaigns.save_draft': 'حفظ المسودة', 'campaigns.saved': 'حُفظ', 'campaigns.saved_at': 'حُفظ في {time}',
  'campaigns.preview': 'معاينة', 'campaigns.preview_after_save': 'احفظ المسودة لترى كل رسالة كما ستظهر على الهواتف.',
  'campaigns.problems': 'يجب إصلاحه قبل البدء', 'campaigns.valid': 'جاهزة للبدء.', 'campaigns.audience': '{n} مستلمًا، {segments} رسالة قصيرة إجمالًا.',
  'campaigns.segments': '{n} رسالة قصيرة', 'campaigns.chars': '{n} حرفًا', 'campaigns.recipients': '{n} مستلمًا',
  'encoding.gsm7': 'GSM سباعي البت', 'encoding.gsm7_national': 'GSM سباعي البت (وطني)', 'encoding.ucs2': 'يونيكود (UCS-2)',
  'campaigns.start': 'بدء', 'campaigns.start_again': 'الإرسال إلى الأعضاء الجدد', 'campaigns.confirm_start_again': 'إرسال هذه الحملة إلى من انضموا إلى شريحتها منذ بدئها؟ لن يتلقى أحد الرسالة نفسها مرتين.', 'campaigns.pause': 'إيقاف مؤقت', 'campaigns.resume': 'استئناف', 'campaigns.cancel': 'إلغاء الحملة',
  'campaigns.confirm_start': 'بدء إرسال هذه الحملة إلى مستلميها؟', 'campaigns.confirm_cancel': 'إلغاء هذه الحملة؟ ستُترك الرسائل التي لم تُرسل بعد. لا يمكن التراجع.',
  'campaigns.done_start': 'بدأت: خُطط لـ {n} رسالة.', 'campaigns.done_pause': 'أُوقفت مؤقتًا.', 'campaigns.done_resume': 'استُؤنفت.', 'campaigns.done_cancel': 'أُلغيت.',
  'campaigns.read_only_role': 'يسمح دورك بقراءة هذه الحملة لا بتعديلها أو بدئها أو إيقافها.',
  'monitor.title': 'المتابعة', 'monitor.title_of': 'متابعة: {name}', 'monitor.pick': 'اختر حملة', 'monitor.none': 'لم تبدأ أي حملة بعد.',
  'monitor.delivery': 'التسليم', 'monitor.funnel': 'الرسائل حسب الحالة', 'monitor.answers': 'الإجابات', 'monitor.total': 'الرسائل', 'monitor.delivery_rate': 'سُلّمت', 'monitor.answers_count': 'الإجابات',
  'monitor.updated': 'حُدّث في {time}، ويتجدد كل بضع ثوانٍ', 'monitor.edit': 'الحملة',
  'msg.queued': 'في الانتظار', 'msg.sending': 'قيد الإرسال', 'msg.submitted': 'أُرسلت', 'msg.delivered': 'سُلّمت', 'msg.failed': 'فشلت', 'msg.expired': 'انتهت صلاحيتها', 'msg.unknown': 'مجهولة',
  'results.title': 'النتائج', 'results.title_of': 'النتائج: {name}', 'results.export': 'تصدير CSV', 'results.exported': 'حُفظ ملف CSV',
  'results.started': 'سُئلوا', 'results.responded': 'أجابوا', 'results.completed': 'أكملوا', 'results.response_rate': 'معدل الاستجابة',
  'results.completion_rate': 'معدل الإكمال', 'results.questions': 'الإجابات حسب السؤال', 'results.question': 'السؤال {id}',
  'results.by_country': 'حسب البلد', 'results.by_language': 'حسب اللغة', 'results.group': 'المجموعة', 'results.unknown': '(غير معروف)',
  'results.no_data': 'لا إجابات بعد.', 'results.no_questions': 'لا إجابات بعد.',
  'results.numeric': '{answered} إجابة: الأدنى {min}، الأقصى {max}، المتوسط {mean}، الوسيط {median}',
  'devices.title': 'الأجهزة الميدانية', 'devices.unavailable': 'لا تتيح هذه البوابة إدارة الأجهزة عبر واجهتها البرمجية بعد.',
  'devices.enrol': 'تسجيل جهاز', 'devices.enrol_intro': 'أنشئ رمزًا صالحًا لمرة واحدة واكتبه في التطبيق الميداني. يُعرض الرمز مرة واحدة.',
  'devices.team': 'الفريق', 'devices.team_hint': 'حروف وأرقام و . _ : -', 'devices.scopes': 'نطاقات إضافية', 'devices.scopes_hint': 'مفصولة بفواصل؛ نطاق الفريق مضمَّن دائمًا',
  'devices.lifetime': 'صالح لمدة (ساعات)', 'devices.create_code': 'إنشاء رمز', 'devices.code_once': 'رمز التسجيل (يُعرض الآن فقط):',
  'devices.expires': 'ينتهي في {time}', 'devices.list': 'الأجهزة المسجلة', 'devices.device': 'الجهاز', 'devices.last_sync': 'آخر ظهور',
  'devices.enrolled': 'تاريخ التسجيل', 'devices.applied': 'العمليات المطبقة', 'devices.state': 'الحالة', 'devices.never': 'أبدًا', 'devices.active': 'نشط', 'devices.revoke': 'إبطال',
  'devices.revoked': 'أُبطل الجهاز', 'devices.revoked_at': 'أُبطل في {time}', 'devices.none': 'لا أجهزة مسجلة.',
  'devices.confirm_revoke': 'إبطال الجهاز {id}؟ ستُرفض مزامنته التالية ويجب تسجيله من جديد.',
  'error.network': 'تعذّر الوصول إلى البوابة. تحقق من الاتصال وحاول مجددًا.',
  'error.unauthorized': 'هذا الرمز غير صالح (مجهول أو منتهي الصلاحية أو مُبطل). اطلب رمزًا جديدًا من المسؤول.',
  'error.forbidden': 'لا يسمح دورك بهذا الإجراء.', 'error.not_found': 'غير موجود: ربما حُذف.',
  'error.wrong_state': 'غير ممكن في حالة الحملة الحالية.', 'error.conflict': 'يتعارض هذا مع بيانات موجودة.',
  'error.rate_limited': 'طلبات كثيرة جدًا: انتظر قليلًا وحاول مجددًا.', 'error.unavailable': 'البوابة مشغولة: حاول بعد قليل.',
  'error.body_too_large': 'أكبر من أن يُرسل في طلب واحد.', 'error.invalid_json': 'هذا ليس JSON صالحًا.',
  'error.invalid_campaign': 'الحملة غير صالحة', 'error.invalid_filter': 'المرشح غير صالح', 'error.invalid_contact': 'جهة الاتصال غير صالحة',
  'error.invalid_csv_header': 'ترويسة ملف CSV غير صالحة', 'error.internal': 'فشلت البوابة: أبلغ المسؤول.',
  'error.no_file': 'اختر ملف CSV أولًا.', 'error.file_too_large': 'الملف أكبر من 64 ميبيبايت: استورده بسطر الأوامر (liaison contacts import).',
  'error.bad_country': 'يُكتب البلد بحرفين، مثل FR.', 'error.empty_csv': 'لا سطور في الملف تحت الترويسة.',
};

const DICTS = { en, fr, ar };
const NAMES = [{ code: 'en', name: 'English' }, { code: 'fr', name: 'Français' }, { code: 'ar', name: 'العربية' }];

function initial() {
  let saved = '';
  try { saved = localStorage.getItem(KEY) || ''; } catch (_) { /* storage disabled */ }
  if (DICTS[saved]) return saved;
  const nav = (navigator.language || 'en').slice(0, 2);
  return DICTS[nav] ? nav : 'en';
}
let current = initial();

export function lang() { return current; }
export function languages() { return NAMES; }
export function isRtl() { return RTL.has(current); }
export function setLang(code) {
  if (!DICTS[code]) return;
  current = code;
  try { localStorage.setItem(KEY, code); } catch (_) { /* storage disabled */ }
}
export function applyDocumentLanguage() {
  document.documentElement.lang = current;
  document.documentElement.dir = isRtl() ? 'rtl' : 'ltr';
}

export function t(key, vars, fallback) {
  let s = DICTS[current][key];
  if (s === undefined) s = en[key];
  if (s === undefined) return fallback !== undefined ? fallback : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

const locale = () => (current === 'ar' ? 'ar-u-nu-latn' : current);
export function num(n) { return new Intl.NumberFormat(locale()).format(Number(n) || 0); }
export function pct(share) {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(Number(share) || 0);
}
export function timeOfDay(d) {
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'medium' }).format(d);
}
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// Every dictionary has every English key (checked by the end-to-end test).
export function missingKeys() {
  const out = {};
  for (const [code, d] of Object.entries(DICTS)) out[code] = Object.keys(en).filter((k) => !(k in d));
  return out;
}
