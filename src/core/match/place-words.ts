/**
 * Place words of the world, in English, as they appear in company names ("Huawei Germany", "Hikvision
 * USA", "Dahua Technology Europe"): countries and their common short forms, adjectives of nationality,
 * continents and regions, and large business cities. A name word of this kind says where a company is,
 * not which company it is. Written naturally; generic-words.ts folds them with normalizeName.
 */
export const WORLD_PLACES = `
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas bahrain
bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia herzegovina botswana brazil brunei
bulgaria burkina faso burundi cambodia cameroon canada chile china colombia comoros congo costa rica
croatia cuba cyprus czech czechia denmark djibouti dominica dominican ecuador egypt el salvador eritrea
estonia eswatini ethiopia fiji finland france gabon gambia georgia germany ghana greece grenada guatemala
guinea guyana haiti honduras hungary iceland india indonesia iran iraq ireland israel italy ivory coast
jamaica japan kazakhstan kenya kiribati korea kosovo kuwait kyrgyzstan laos latvia lebanon lesotho
liberia libya liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali malta mauritania
mauritius mexico moldova monaco mongolia montenegro morocco mozambique myanmar namibia nepal netherlands
holland new zealand nicaragua niger nigeria macedonia norway oman pakistan palestine panama papua paraguay
peru philippines poland portugal qatar romania russia rwanda samoa san marino saudi arabia senegal serbia
seychelles sierra leone singapore slovakia slovenia somalia spain sri lanka sudan suriname sweden
switzerland syria taiwan tajikistan tanzania thailand togo tonga trinidad tobago tunisia turkey turkiye
turkmenistan uganda ukraine uruguay uzbekistan vanuatu venezuela vietnam viet nam yemen zambia zimbabwe
usa us u s a united states america uk u k united kingdom britain great britain england scotland wales
uae emirates ksa rok dprk hk sar eu
american canadian mexican brazilian argentine british english german french italian spanish portuguese
dutch belgian swiss austrian swedish norwegian danish finnish polish czech hungarian romanian bulgarian
greek turkish russian ukrainian belarusian israeli iranian iraqi syrian lebanese saudi emirati qatari
kuwaiti omani egyptian indian pakistani bangladeshi chinese japanese korean taiwanese vietnamese thai
malaysian singaporean indonesian filipino australian african european asian latin nordic
europe asia africa oceania americas latin middle east far eurasia eurasian scandinavia benelux balkan
balkans caucasus gulf pacific atlantic mediterranean baltic arctic apac emea latam asean overseas
new york london paris berlin munich frankfurt hamburg amsterdam rotterdam brussels zurich geneva vienna
milan rome madrid barcelona lisbon stockholm oslo copenhagen helsinki warsaw prague budapest bucharest
athens kyiv kiev tokyo osaka seoul busan bangkok hanoi jakarta manila mumbai delhi bangalore chennai
sydney melbourne toronto vancouver montreal chicago los angeles san francisco
valley seattle boston miami atlanta detroit dc california texas florida delaware nevada
sao paulo rio mexico city buenos aires lima bogota johannesburg cairo lagos nairobi riyadh doha
jeddah muscat kuwait tel aviv
`;
