import type { Localized } from '../../protocol';
import { LANGUAGES, type Language } from '../../protocol/plain';

export const LANGS = LANGUAGES;
export type Lang = Language;

const en = {
  joining: 'Joining the wall…',
  reconnecting: 'Connection lost. Reconnecting…',
  by: 'by {artist}',
  yourColour: 'Your colour',
  hint: 'Watch the wall as you play.',
  queueTitle: 'You are in line',
  queuePosition: 'Number {n}',
  queueHint: 'The wall is full. Your controls open when it is your turn.',
  paused: 'The staff paused the controls for a moment. Hang on.',
  closed: 'Nothing is playing on this wall right now. Stay here: it will start by itself.',
  kicked: 'The staff removed you from this wall.',
  replaced: 'You opened this wall in another tab or window.',
  useHere: 'Play here instead',
  unknownWall: 'This wall does not exist. Scan the code on the wall again.',
  full: 'The wall and its line are full. Try again in a few minutes.',
  error: 'Something went wrong: {message}',
  retry: 'Try again',
  tiltEnable: 'Use tilt',
  tiltOn: 'Tilt your phone',
  tiltDenied: 'Tilt was not allowed. Drag in the circle instead.',
  tiltUnavailable: 'Tilt is not available on this phone. Drag in the circle instead.',
  recentre: 'Re-centre',
  send: 'Send',
  sent: 'Sent!',
  placeholder: 'A word or an emoji',
  tooLong: 'At most {n} characters',
  tooFast: 'A little slower…',
  noInputs: 'This piece plays by itself. Just watch!',
  staffId: 'ID for the staff',
};
export type Key = keyof typeof en;

const fr: Record<Key, string> = {
  joining: 'Connexion au mur…',
  reconnecting: 'Connexion perdue. Reconnexion…',
  by: 'par {artist}',
  yourColour: 'Votre couleur',
  hint: 'Regardez le mur pendant que vous jouez.',
  queueTitle: 'Vous êtes dans la file',
  queuePosition: 'N° {n}',
  queueHint: 'Le mur est complet. Vos commandes s’ouvriront quand ce sera votre tour.',
  paused: 'L’équipe a mis les commandes en pause un instant. Patientez.',
  closed: 'Rien ne joue sur ce mur pour l’instant. Restez ici : ça reprendra tout seul.',
  kicked: 'L’équipe vous a retiré de ce mur.',
  replaced: 'Vous avez ouvert ce mur dans un autre onglet ou une autre fenêtre.',
  useHere: 'Jouer ici plutôt',
  unknownWall: 'Ce mur n’existe pas. Scannez à nouveau le code affiché sur le mur.',
  full: 'Le mur et sa file sont complets. Réessayez dans quelques minutes.',
  error: 'Un problème est survenu : {message}',
  retry: 'Réessayer',
  tiltEnable: 'Utiliser l’inclinaison',
  tiltOn: 'Inclinez votre téléphone',
  tiltDenied: 'L’inclinaison a été refusée. Glissez le doigt dans le cercle à la place.',
  tiltUnavailable: 'L’inclinaison n’est pas disponible sur ce téléphone. Glissez le doigt dans le cercle à la place.',
  recentre: 'Recentrer',
  send: 'Envoyer',
  sent: 'Envoyé !',
  placeholder: 'Un mot ou un emoji',
  tooLong: '{n} caractères au plus',
  tooFast: 'Un peu moins vite…',
  noInputs: 'Cette œuvre joue toute seule. Regardez !',
  staffId: 'Identifiant pour l’équipe',
};

const nl: Record<Key, string> = {
  joining: 'Verbinden met de wand…',
  reconnecting: 'Verbinding verbroken. Opnieuw verbinden…',
  by: 'door {artist}',
  yourColour: 'Jouw kleur',
  hint: 'Kijk naar de wand terwijl je speelt.',
  queueTitle: 'Je staat in de rij',
  queuePosition: 'Nummer {n}',
  queueHint: 'De wand is vol. Je bediening opent zodra het jouw beurt is.',
  paused: 'Het personeel heeft de bediening even gepauzeerd. Even geduld.',
  closed: 'Er speelt nu niets op deze wand. Blijf hier: het begint vanzelf.',
  kicked: 'Het personeel heeft je van deze wand verwijderd.',
  replaced: 'Je hebt deze wand in een ander tabblad of venster geopend.',
  useHere: 'Hier verder spelen',
  unknownWall: 'Deze wand bestaat niet. Scan de code op de wand opnieuw.',
  full: 'De wand en de rij zijn vol. Probeer het over een paar minuten opnieuw.',
  error: 'Er ging iets mis: {message}',
  retry: 'Opnieuw proberen',
  tiltEnable: 'Kantelen gebruiken',
  tiltOn: 'Kantel je telefoon',
  tiltDenied: 'Kantelen werd niet toegestaan. Sleep in de cirkel in plaats daarvan.',
  tiltUnavailable: 'Kantelen werkt niet op deze telefoon. Sleep in de cirkel in plaats daarvan.',
  recentre: 'Opnieuw centreren',
  send: 'Versturen',
  sent: 'Verstuurd!',
  placeholder: 'Een woord of een emoji',
  tooLong: 'Hoogstens {n} tekens',
  tooFast: 'Iets trager…',
  noInputs: 'Dit werk speelt vanzelf. Kijk maar!',
  staffId: 'ID voor het personeel',
};

const de: Record<Key, string> = {
  joining: 'Verbinde mit der Wand…',
  reconnecting: 'Verbindung verloren. Verbinde neu…',
  by: 'von {artist}',
  yourColour: 'Deine Farbe',
  hint: 'Schau beim Spielen auf die Wand.',
  queueTitle: 'Du stehst in der Warteschlange',
  queuePosition: 'Platz {n}',
  queueHint: 'Die Wand ist voll. Deine Steuerung öffnet sich, sobald du dran bist.',
  paused: 'Das Team hat die Steuerung kurz pausiert. Einen Moment bitte.',
  closed: 'Auf dieser Wand läuft gerade nichts. Bleib hier: Es geht von selbst weiter.',
  kicked: 'Das Team hat dich von dieser Wand entfernt.',
  replaced: 'Du hast diese Wand in einem anderen Tab oder Fenster geöffnet.',
  useHere: 'Hier weiterspielen',
  unknownWall: 'Diese Wand gibt es nicht. Scanne den Code an der Wand erneut.',
  full: 'Die Wand und ihre Warteschlange sind voll. Versuch es in ein paar Minuten wieder.',
  error: 'Etwas ist schiefgelaufen: {message}',
  retry: 'Erneut versuchen',
  tiltEnable: 'Neigung verwenden',
  tiltOn: 'Neige dein Telefon',
  tiltDenied: 'Neigung wurde nicht erlaubt. Zieh stattdessen im Kreis.',
  tiltUnavailable: 'Neigung ist auf diesem Telefon nicht verfügbar. Zieh stattdessen im Kreis.',
  recentre: 'Neu zentrieren',
  send: 'Senden',
  sent: 'Gesendet!',
  placeholder: 'Ein Wort oder ein Emoji',
  tooLong: 'Höchstens {n} Zeichen',
  tooFast: 'Etwas langsamer…',
  noInputs: 'Dieses Werk spielt von selbst. Schau einfach zu!',
  staffId: 'ID für das Team',
};

const ja: Record<Key, string> = {
  joining: 'ウォールに接続しています…',
  reconnecting: '接続が切れました。再接続しています…',
  by: '作：{artist}',
  yourColour: 'あなたの色',
  hint: 'ウォールを見ながら遊んでください。',
  queueTitle: '順番待ちです',
  queuePosition: '{n}番目',
  queueHint: 'ウォールは満員です。順番が来たら操作できるようになります。',
  paused: 'スタッフが操作を一時停止しています。少々お待ちください。',
  closed: 'このウォールでは今、何も上演されていません。このままお待ちください。',
  kicked: 'スタッフによってこのウォールから退出しました。',
  replaced: 'このウォールを別のタブまたはウィンドウで開きました。',
  useHere: 'こちらで続ける',
  unknownWall: 'このウォールは存在しません。ウォールのコードをもう一度読み取ってください。',
  full: 'ウォールも順番待ちも満員です。数分後にもう一度お試しください。',
  error: '問題が発生しました: {message}',
  retry: 'もう一度',
  tiltEnable: '傾きを使う',
  tiltOn: 'スマートフォンを傾けてください',
  tiltDenied: '傾きが許可されませんでした。円の中をなぞってください。',
  tiltUnavailable: 'この端末では傾きを使えません。円の中をなぞってください。',
  recentre: '中央に戻す',
  send: '送信',
  sent: '送信しました！',
  placeholder: 'ひとことか絵文字',
  tooLong: '{n}文字まで',
  tooFast: '少しゆっくり…',
  noInputs: 'この作品は自動で動きます。ご覧ください！',
  staffId: 'スタッフ用ID',
};

const TABLES: Record<Lang, Record<Key, string>> = { en, fr, nl, de, ja };

/** The first of the phone's languages that we speak; English otherwise. `?lang=xx` overrides. */
export function pickLanguage(preferred: readonly string[], override?: string | null): Lang {
  for (const tag of override ? [override, ...preferred] : preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0] as Lang;
    if ((LANGS as readonly string[]).includes(primary)) return primary;
  }
  return 'en';
}

export function translator(lang: Lang) {
  const table = TABLES[lang];
  return (key: Key, vars: Record<string, string | number> = {}) =>
    table[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}
export type T = ReturnType<typeof translator>;

/** A manifest label in the visitor's language (English, then any, as fallback). */
export function localize(label: Localized, lang: Lang): string {
  if (typeof label === 'string') return label;
  return label[lang] ?? label.en;
}
