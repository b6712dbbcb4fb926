// Generates assets/common-passwords.txt: the predictable passwords of 12 or more characters
// that people reach for when a site demands a long one (common words and names stretched
// with digits, years and symbols, doubled words, keyboard walks, digit runs). Shorter
// entries are pointless because the console already requires 12 characters.
// Run: node packages/server/scripts/generate-common-passwords.mjs
import { writeFileSync } from 'node:fs';

const words = `password passw0rd p@ssword p@ssw0rd qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm
letmein welcome welcome1 iloveyou admin administrator root changeme default secret master
dragon monkey football baseball basketball soccer hockey princess sunshine shadow superman
batman spiderman starwars pokemon minecraft fortnite freedom whatever trustno1 michael jennifer
jordan hunter ranger buster thomas robert daniel charlie andrew matthew joshua jessica ashley
amanda nicole michelle justin taylor summer winter spring autumn flower cookie chocolate
cheese pepper ginger tigger mickey maggie sophie bailey computer internet google facebook
microsoft apple samsung liverpool chelsea arsenal barcelona yankees cowboys steelers lakers
killer hello hellohello helloworld loveyou lovely loveme mylove iloveu angel angels blessed
jesus jesuschrist christ heaven forever family friends friend happy smile purple orange yellow
silver golden diamond qwerty123 abc123 abcdef abcdefg abcdefgh 123abc letmein1 access
security login logon master1 admin123 test tester testing testtest guest user username
super superstar rockstar rocknroll music guitar piano london paris berlin newyork chicago
california america canada australia england germany france mustang corvette ferrari porsche
harley yamaha honda toyota nissan matrix zombie ninja pirate wizard merlin gandalf
hogwarts harrypotter potter voldemort sparky snoopy scooby garfield pepsi cocacola
coffee banana apple123 orange123 strawberry blueberry pineapple watermelon rainbow butterfly
dolphin tiger lion eagle falcon phoenix thunder lightning storm hurricane tornado
marvel avengers ironman hulk thor captain america1 soccer1 football1 baseball1 monkey1
dragon1 shadow1 sunshine1 princess1 qwerty1 password1 welcome123 changeme123 letmein123
passport passwort motdepasse contrasena senha parola salasana wachtwoord haslo
company business office manager support service system network server database
oracle mysql postgres linux ubuntu windows windows10 macbook iphone android`
  .split(/\s+/)
  .filter(Boolean);

const suffixes = [
  '',
  '1',
  '12',
  '123',
  '1234',
  '12345',
  '123456',
  '1234567',
  '12345678',
  '!',
  '!!',
  '1!',
  '12!',
  '123!',
  '1234!',
  '@123',
  '#1',
  '01',
  '007',
  '69',
  '99',
  '00',
  '111',
  '2000',
  '1990',
  '1995',
  '1999',
  '2010',
  '2015',
  '2018',
  '2019',
  '2020',
  '2021',
  '2022',
  '2023',
  '2024',
  '2025',
  '2026',
  '2027',
];

const walks = [
  'qwertyuiop',
  'qwertyuiopasdf',
  'asdfghjkl;',
  'asdfghjklzxc',
  'zxcvbnm,./',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'qazwsxedcrfv',
  'qazwsxedcrfvtgb',
  '1q2w3e4r5t6y',
  '1q2w3e4r5t6y7u',
  'q1w2e3r4t5y6',
  'zaq12wsxcde3',
  'zaq1zaq1zaq1',
  '!qaz@wsx#edc',
  'qwertyqwerty',
  'asdfasdfasdf',
  'zxcvzxcvzxcv',
  'abcdabcdabcd',
  'abcdefghijkl',
  'abcdefghijklm',
  'abcdefghijklmnop',
  'abc123abc123',
  'abcd1234abcd',
  'aaaaaaaaaaaa',
  'qwerty123456',
  'qwertyuiop123',
  'password1234',
  'passwordpassword',
];

const out = new Set();
const add = (candidate) => {
  const value = candidate.toLowerCase();
  if (value.length >= 12 && value.length <= 64) out.add(value);
};

for (const word of words) {
  for (const suffix of suffixes) add(word + suffix);
  add(word + word);
  add(`${word}${word}1`);
  add(`my${word}123`);
  add(`i love ${word}`.replace(/ /g, ''));
}
for (const walk of walks) add(walk);
for (let start = 0; start <= 9; start++) {
  let run = '';
  for (let i = 0; run.length < 16; i++) {
    run += String((start + i) % 10);
    add(run);
    let down = '';
    for (let j = 0; j < run.length; j++) down += String((start + 10 - j) % 10);
    add(down);
  }
  add(String(start).repeat(12));
  add(String(start).repeat(16));
}
for (let year = 1950; year <= 2030; year++) {
  add(`${year}${year}${year}`);
  for (const word of ['password', 'welcome', 'summer', 'winter', 'spring', 'autumn', 'football'])
    add(`${word}${year}`);
}

const lines = [...out].sort();
writeFileSync(new URL('../assets/common-passwords.txt', import.meta.url), `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} passwords`);
