// 表决公钥指纹 at a glance (issue 11): the vote key fingerprint people in the room compare, phone
// against projector, as six common two-character words instead of hex digits.
//
// The fingerprint is SHA-256 over the vote.created entry's hash (the entry covers the vote's key
// and, through the chain, everything before it). Its first six bytes pick six words from the
// fixed list below, one byte each: 6 × 8 = 48 bits. Why six words and not four: the service
// writes the chain, so it could grind a forked vote.created entry (with a key made for one
// member) until its fingerprint matched the real one; at 32 bits that is about 4·10⁹ hashes, an
// afternoon on one computer; at 48 bits it is about 3·10¹⁴. The full SHA-256 stays available to
// the 监票人, who verify the whole record.
//
// The list: 256 everyday nouns (animals, plants, food, things of the house and the village,
// places, weather), two characters each, chosen so that
//   - no character appears in two words: two different words differ in both characters;
//   - no two characters of the list are a known look-alike pair (CONFUSABLE_GROUPS, e.g. 己/已,
//     土/士, 未/末, 鸟/乌, 手/毛), so a word cannot be mistaken for another at a distance.
// tests/unit/web-glance.test.ts checks both, the size, and that the mapping is fixed.
// The list is part of the protocol as people see it: never reorder or change an entry (phones
// and projectors of different versions would then show different words for the same vote).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '../protocol/encoding.ts';

/** How many words the fingerprint shows; each encodes one byte. */
export const GLANCE_WORD_COUNT = 6;

export const GLANCE_WORDS: readonly string[] = Object.freeze([
  '熊猫', '老虎', '骆驼', '孔雀', '蝴蝶', '蜜蜂', '海豚', '鲸鱼', '松鼠', '刺猬', '乌龟', '青蛙', '喜鹊', '鸽子', '狐狸', '企鹅',
  '蜻蜓', '螃蟹', '蚂蚁', '牡丹', '荷花', '杨柳', '竹笋', '葡萄', '苹果', '香蕉', '西瓜', '菠萝', '草莓', '樱桃', '石榴', '柠檬',
  '玉米', '辣椒', '蘑菇', '芝麻', '钢琴', '雨伞', '灯笼', '风筝', '剪刀', '钥匙', '眼镜', '手表', '书包', '铅笔', '枕头', '茶壶',
  '饭碗', '汤勺', '铁锅', '蜡烛', '折扇', '算盘', '砚台', '信封', '邮票', '长城', '宝塔', '桥梁', '车站', '广场', '学校', '医院',
  '公园', '银行', '飞机', '轮船', '月亮', '彩虹', '云朵', '闪电', '沙漠', '森林', '湖泊', '瀑布', '冰川', '岛屿', '峡谷', '面条',
  '豆腐', '年糕', '烧饼', '鸡蛋', '牛奶', '酱油', '唢呐', '二胡', '琵琶', '锣鼓', '足球', '乒乓', '象棋', '跳绳', '春节', '中秋',
  '元宵', '清明', '重阳', '教师', '农民', '工人', '渔夫', '黄河', '泰山', '昆仑', '珠江', '洞庭', '棉袄', '围巾', '皮鞋', '腰带',
  '纽扣', '针线', '对联', '鞭炮', '红枣', '黑板', '课本', '字典', '地图', '太空', '火箭', '卫星', '雷达', '牙刷', '肥皂', '脸盆',
  '扫帚', '拖把', '狗窝', '绵羊', '骏马', '鸳鸯', '鹦鹉', '贝壳', '珊瑚', '紫菜', '虾仁', '番茄', '洋葱', '生姜', '莲藕', '梨树',
  '荔枝', '甘蔗', '枇杷', '桑葚', '橄榄', '茉莉', '玫瑰', '百合', '杜鹃', '梧桐', '枫叶', '芦苇', '小麦', '高粱', '咖啡', '可乐',
  '扁担', '箩筐', '篱笆', '屋顶', '烟囱', '门槛', '窗户', '楼梯', '厨房', '客厅', '卧室', '池塘', '警察', '瓦匠', '裁缝', '理发',
  '芙蓉', '法官', '记者', '作家', '舞蹈', '豹纹', '鹿角', '考拉', '豪猪', '蚕丝', '蝉鸣', '蟋蟀', '蜘蛛', '蚯蚓', '蝌蚪', '螳螂',
  '瓢虫', '蜥蜴', '圆规', '量杯', '编钟', '牌坊', '凉亭', '回廊', '寺庙', '祠堂', '集市', '渡口', '港湾', '悬崖', '溪流', '平原',
  '丘陵', '沼泽', '绿洲', '温泉', '霜冻', '北斗', '朝霞', '京剧', '相声', '秧歌', '龙舟', '陀螺', '壁画', '印章', '帐篷', '旗帜',
  '翡翠', '琥珀', '铜钱', '摇篮', '雕塑', '陶罐', '瓷器', '潮汐', '馄饨', '烤鸭', '腊肉', '喇叭', '铃铛', '摩托', '仙鹤', '拐杖',
  '纸鸢', '麒麟', '蝙蝠', '橙汁', '酸梅', '稻穗', '锦鲤', '杂技', '游泳', '赛跑', '垂钓', '暖瓶', '宇宙', '极光', '玛瑙', '琉璃',
]);

/**
 * Characters that look alike in print, as groups: a list may hold at most one character of each
 * group. Not exhaustive; it is what the list was checked against.
 */
export const CONFUSABLE_GROUPS: readonly string[] = Object.freeze(
  (
    '己已巳 日曰 土士工 未末朱 人入八 大太犬丈 刀力刃 千干于 王玉主 天夭夫 午牛 贝见 戊戌戍 白自百 ' +
    '田由甲申电 办为 免兔 拔拨 析折拆 候侯 晴睛 清请情 密蜜 峰蜂锋 问间 今令 冶治 即既 特持 鸟乌 ' +
    '木本术禾 毛手 狠狼很 准淮 苦若 史吏 口囗 儿几 水永 东车 目且 厂广 又叉 少小 心必 开井 斤斥 ' +
    '牙互 瓜爪 夕歹 不丕 北比 风凤 住往 休体 汽气 壶壸 徽微 栗粟 鸣呜 师帅 荼茶 扁匾 竿竽 幻幼 ' +
    '季李 余佘 仑仓 杨扬 肖宵 买卖'
  ).split(' '),
);

export interface GlanceFingerprint {
  /** The bytes the words encode, as hex (machine-readable; the data-fingerprint attribute). */
  hex: string;
  /** The words, in order. */
  words: string[];
}

/** The words for the first GLANCE_WORD_COUNT bytes of `bytes`, one word per byte. */
export function glanceWords(bytes: Uint8Array): string[] {
  if (bytes.length < GLANCE_WORD_COUNT) throw new Error(`glanceWords needs ${GLANCE_WORD_COUNT} bytes`);
  return Array.from(bytes.subarray(0, GLANCE_WORD_COUNT), (b) => GLANCE_WORDS[b]!);
}

/** The vote key fingerprint people compare, from the vote.created entry's hash (hex). */
export function glanceFingerprint(createdHash: string): GlanceFingerprint {
  const digest = sha256(hexToBytes(createdHash)).subarray(0, GLANCE_WORD_COUNT);
  return { hex: bytesToHex(digest), words: glanceWords(digest) };
}
